/**
 * A scripted exec/attach session for unit tests: the test plays the process, writing its
 * output, reading what the client sent to stdin, and finishing it with an exit code.
 */
import { PassThrough } from 'node:stream';
import type { ExecSpec, SessionResult, StreamSession, TerminalSize } from '../streaming';

/** See the file comment. */
export class FakeSession implements StreamSession {
  readonly stdin?: PassThrough;
  readonly stdout = new PassThrough();
  readonly stderr?: PassThrough;
  /** Every resize the client asked for, in order. */
  readonly resizes: TerminalSize[] = [];
  /** True once `kill()` was called. */
  killed = false;
  /** Everything received on stdin so far. */
  received = '';
  /** True once stdin was closed by the client. */
  stdinClosed = false;
  readonly done: Promise<SessionResult>;
  private resolveDone: (r: SessionResult) => void = () => undefined;

  constructor(readonly spec: Pick<ExecSpec, 'stdin' | 'tty'> & { command?: string[] }) {
    if (spec.stdin) {
      const stdin = new PassThrough();
      stdin.on('data', (chunk: Buffer) => {
        this.received += chunk.toString('utf8');
      });
      stdin.on('end', () => {
        this.stdinClosed = true;
      });
      this.stdin = stdin;
    }
    if (!spec.tty) this.stderr = new PassThrough();
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  async resize(size: TerminalSize): Promise<void> {
    this.resizes.push(size);
  }

  /** Ends the output streams and the session with `exitCode` (undefined: attach's end). */
  finish(exitCode?: number): void {
    this.stdout.end();
    this.stderr?.end();
    this.resolveDone(exitCode === undefined ? {} : { exitCode });
  }

  async kill(): Promise<void> {
    this.killed = true;
    this.finish();
  }
}
