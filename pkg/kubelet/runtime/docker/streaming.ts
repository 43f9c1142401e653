/**
 * Exec and attach on Docker (dockerode's hijacked exec/attach streams).
 *
 * - Without a TTY Docker multiplexes stdout and stderr into one stream; dockerode's
 *   `modem.demuxStream` splits it. With a TTY the stream is the terminal's raw output.
 * - Closing stdin half-closes the hijacked connection (Docker then closes the process's stdin).
 * - Docker keeps an exec'd process running when its connection closes; `kill()` therefore
 *   SIGKILLs the process and its descendants by their host pids (the exec's `Pid`, found in
 *   /proc by parent pid). The kubelet runs beside dockerd, in the host's pid namespace.
 */
import { readdir, readFile } from 'node:fs/promises';
import { PassThrough, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { pollUntil } from '../../../util/wait/poll';
import type { AttachSpec, ExecSpec, SessionResult, StreamSession, TerminalSize } from '../streaming';

/** The parent pid of every process visible in /proc (pid → ppid). */
async function parentPids(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), Number(fields[1]));
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** `root` and all its descendants, parents first. */
export function processTree(root: number, parents: ReadonlyMap<number, number>): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

/** SIGKILLs `pid` and its descendants (those already gone are skipped). */
async function killTree(pid: number): Promise<void> {
  for (const p of processTree(pid, await parentPids())) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** Splits the hijacked stream into stdout (and stderr without a TTY); both end with it. */
function outputs(
  docker: Dockerode,
  stream: Duplex,
  tty: boolean,
): { stdout: PassThrough; stderr?: PassThrough; ended: Promise<void> } {
  const stdout = new PassThrough();
  const stderr = tty ? undefined : new PassThrough();
  if (stderr) docker.modem.demuxStream(stream, stdout, stderr);
  else stream.on('data', (chunk: Buffer) => stdout.write(chunk));
  const ended = new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      stdout.end();
      stderr?.end();
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return { stdout, ...(stderr ? { stderr } : {}), ended };
}

/** Runs `spec.command` in container `id`; see `ContainerRuntime.exec`. */
export async function dockerExec(docker: Dockerode, id: string, spec: ExecSpec): Promise<StreamSession> {
  const exec = await docker.getContainer(id).exec({
    Cmd: spec.command,
    AttachStdin: spec.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: spec.tty,
  });
  const stream = (await exec.start({ hijack: true, stdin: spec.stdin, Tty: spec.tty })) as Duplex;
  const { stdout, stderr, ended } = outputs(docker, stream, spec.tty);
  const done = ended.then(async (): Promise<SessionResult> => {
    // The exit code is recorded a moment after the output ends.
    let info = await exec.inspect();
    await pollUntil(
      async () => {
        info = await exec.inspect();
        return !info.Running;
      },
      { intervalMs: 20, timeoutMs: 2000 },
    );
    return typeof info.ExitCode === 'number' ? { exitCode: info.ExitCode } : {};
  });
  return {
    ...(spec.stdin ? { stdin: stream } : {}),
    stdout,
    ...(stderr ? { stderr } : {}),
    resize: async (size: TerminalSize) => {
      if (spec.tty) await exec.resize({ w: size.width, h: size.height });
    },
    done,
    kill: async () => {
      const info = await exec.inspect().catch(() => undefined);
      if (info?.Running && info.Pid > 0) await killTree(info.Pid);
      stream.destroy();
    },
  };
}

/** Attaches to container `id`'s main process; see `ContainerRuntime.attach`. */
export async function dockerAttach(docker: Dockerode, id: string, spec: AttachSpec): Promise<StreamSession> {
  const container = docker.getContainer(id);
  const stream = (await container.attach({
    stream: true,
    stdin: spec.stdin,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as Duplex;
  const { stdout, stderr, ended } = outputs(docker, stream, spec.tty);
  return {
    ...(spec.stdin ? { stdin: stream } : {}),
    stdout,
    ...(stderr ? { stderr } : {}),
    resize: async (size: TerminalSize) => {
      if (spec.tty) await container.resize({ w: size.width, h: size.height });
    },
    done: ended.then(() => ({})),
    kill: async () => {
      stream.destroy();
    },
  };
}
