/**
 * A private etcd process for tests that must stop and restart etcd itself (outage tests): a
 * temp data dir and free loopback ports; `stop()` kills it, `start()` brings it back on the same
 * ports and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './cluster';
import { waitFor } from './wait';

/** A restartable single-member etcd. */
export class PrivateEtcd {
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-etcd-'));
  private clientPort = 0;
  private peerPort = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  /** Starts (or restarts) etcd and waits until it reports healthy. */
  async start(): Promise<void> {
    if (!this.clientPort) {
      this.clientPort = await freePort();
      this.peerPort = await freePort();
    }
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.proc = spawn(
      '/usr/bin/etcd',
      [
        '--name',
        'private',
        '--data-dir',
        path.join(this.dir, 'data'),
        '--listen-client-urls',
        this.endpoint,
        '--advertise-client-urls',
        this.endpoint,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `private=${peer}`,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () =>
        await fetch(`${this.endpoint}/health`)
          .then((r) => r.ok)
          .catch(() => false),
      20_000,
      'private etcd healthy',
    );
  }

  /** Kills etcd (SIGKILL) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** Stops etcd and removes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
