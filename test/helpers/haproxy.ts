/**
 * Debian's HAProxy for tests, configured exactly as hack/local-up-cluster.sh configures it
 * (kube::haproxy::config in hack/lib/haproxy.sh): TCP mode, /readyz health checks.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './cluster';

const root = path.resolve(__dirname, '../../..');

/** Where Debian's haproxy is, if installed. */
export const haproxyBin = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p));

/** A running balancer. */
export interface TestHaproxy {
  /** 127.0.0.1:<port> (no scheme: TCP pass-through). */
  address: string;
  port: number;
  /** What haproxy logged so far (server UP/DOWN lines). */
  log(): string;
  stop(): void;
}

/** Options of startHaproxy. */
export interface HaproxyOptions {
  bin: string;
  /** Where haproxy.cfg goes. */
  dir: string;
  /** Health checks over TLS (check-ssl verify none), as for a secure apiserver. */
  tls: boolean;
  /** Backend ports on 127.0.0.1. */
  backends: number[];
}

/** Writes the config with hack/lib/haproxy.sh and starts haproxy in the foreground. */
export async function startHaproxy(o: HaproxyOptions): Promise<TestHaproxy> {
  const port = await freePort();
  const cfg = path.join(o.dir, 'haproxy.cfg');
  execFileSync(
    'bash',
    [
      '-c',
      'source hack/lib/haproxy.sh && kube::haproxy::config "$@"',
      'haproxy-config',
      cfg,
      '127.0.0.1',
      String(port),
      String(o.tls),
      ...o.backends.map(String),
    ],
    { cwd: root },
  );
  let out = '';
  const proc: ChildProcess = spawn(o.bin, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  return {
    address: `127.0.0.1:${port}`,
    port,
    log: () => out,
    stop: () => {
      proc.kill('SIGKILL');
    },
  };
}
