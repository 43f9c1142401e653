/**
 * kubectl under script(1), in a pseudo-terminal of 91x33, for the `-it` e2e tests: `out` is what
 * the terminal showed, `ask` types a line until its answer shows.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';

/** A kubectl in a pseudo-terminal. */
export interface Terminal {
  child: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed so far. */
  out: string;
  /** script(1)'s exit code (kubectl's). */
  exited: Promise<number | null>;
  /**
   * Types `line` every 2 s until `answer` shows: a line typed before kubectl has the terminal in
   * raw mode and is attached, or before the shell in the container reads, may be lost.
   */
  ask(line: string, answer: RegExp, what: string): Promise<void>;
}

/** Starts `kubectl <kubectlArgs>` in the terminal; `before` runs first in the same session (e.g. a resizer job). */
export function underTerminal(c: TestCluster, kubectlArgs: string, before = ''): Terminal {
  const command = `stty cols 91 rows 33; ${before} kubectl --kubeconfig=${c.kubeconfig} ${kubectlArgs}`;
  const child = spawn('script', ['-qfec', command, '/dev/null']);
  const t: Terminal = {
    child,
    out: '',
    exited: new Promise((resolve) => child.on('exit', resolve)),
    ask(line, answer, what) {
      let next = 0;
      return waitFor(
        () => {
          if (Date.now() >= next) {
            child.stdin.write(`${line}\n`);
            next = Date.now() + 2_000;
          }
          return answer.test(t.out);
        },
        60_000,
        () => `${what}; the terminal showed: ${JSON.stringify(t.out.slice(-400))}`,
      );
    },
  };
  child.stdout.on('data', (b: Buffer) => {
    t.out += b.toString();
  });
  return t;
}
