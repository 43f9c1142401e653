/**
 * Port forwarding into a Docker container's network namespace, whatever its network mode:
 * `nsenter --net` into the namespace of the container's init process, running this Node.js
 * binary as a relay between its stdio and 127.0.0.1:<port> there (as the dockershim ran
 * socat). Nothing is needed in the image. Requires root in the host's pid namespace (where
 * the kubelet runs beside dockerd).
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

/** The relay run inside the namespace: stdin → the port, the port → stdout; errors on stderr, exit 1. */
const relay = [
  'const s = require("net").connect(Number(process.argv[1]), "127.0.0.1");',
  'process.stdin.pipe(s); s.pipe(process.stdout);',
  's.on("error", (e) => { process.stderr.write(e.message); process.exit(1); });',
  // No process.exit on close: it could drop stdout not yet flushed to the kubelet. Destroying
  // stdin lets the process end by itself once stdout is drained.
  's.on("close", () => process.stdin.destroy());',
].join(' ');

/** A connection to `port` in the network namespace of process `pid`; errors carry the relay's message. */
export function connectInNetns(pid: number, port: number): Duplex {
  const child = spawn(
    'nsenter',
    ['--target', String(pid), '--net', '--', process.execPath, '-e', relay, String(port)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  const conn = new Duplex({
    // The pod closing its side ends the connection (the v4 protocol has no half-close).
    allowHalfOpen: false,
    read: () => child.stdout.resume(),
    write: (chunk: Buffer, _enc, done) => {
      child.stdin.write(chunk, (err) => done(err ?? null));
    },
    final: (done) => {
      child.stdin.end();
      done();
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!conn.push(chunk)) child.stdout.pause();
  });
  child.stdin.on('error', () => undefined);
  // 'close', not 'exit': only then has all of the relay's stdout been read (data after an
  // 'exit' would be pushed after the end, and lost).
  child.on('close', (code) => {
    if (code !== 0 && code !== null) conn.destroy(new Error(stderr.trim() || `the relay exited with ${code}`));
    else conn.push(null);
  });
  child.on('error', (err) => conn.destroy(err));
  conn.on('close', () => child.kill('SIGKILL'));
  return conn;
}
