/**
 * A private multi-member etcd cluster (Debian's /usr/bin/etcd) for tests that kill members:
 * each member has its own temp data dir and free loopback ports. `kill(i)` SIGKILLs member i,
 * `restart(i)` brings it back on the same ports and data (it rejoins and catches up),
 * `pause(i)`/`resume(i)` SIGSTOP/SIGCONT it (a hung member: its connections stay open and
 * nothing answers), and `leader()` asks a live member which member leads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './cluster';
import { waitFor } from './wait';

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  proc?: ChildProcess;
}

/** Answer of etcd's JSON gateway for /v3/maintenance/status. */
interface StatusAnswer {
  header?: { member_id?: string };
  leader?: string;
}

/** A restartable N-member etcd cluster on loopback. */
export class EtcdCluster {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-etcd-cluster-'));
  private members: Member[] = [];

  constructor(private readonly size = 3) {}

  /** Each member's client URL, in member order. */
  get endpoints(): string[] {
    return this.members.map((m) => `http://127.0.0.1:${m.clientPort}`);
  }

  /** Starts every member and waits until each reports healthy. */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++)
      this.members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort() });
    for (let i = 0; i < this.size; i++) this.spawn(i);
    await Promise.all(this.members.map((_, i) => this.waitHealthy(i)));
  }

  private initialCluster(): string {
    return this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  }

  private member(i: number): Member {
    const m = this.members[i];
    if (!m) throw new Error(`no etcd member ${i}`);
    return m;
  }

  private spawn(i: number): void {
    const m = this.member(i);
    const client = `http://127.0.0.1:${m.clientPort}`;
    const peer = `http://127.0.0.1:${m.peerPort}`;
    m.proc = spawn(
      '/usr/bin/etcd',
      [
        '--name',
        m.name,
        '--data-dir',
        path.join(this.dir, m.name),
        '--listen-client-urls',
        client,
        '--advertise-client-urls',
        client,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        this.initialCluster(),
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        path.basename(this.dir),
      ],
      { stdio: 'ignore' },
    );
  }

  private async waitHealthy(i: number): Promise<void> {
    const url = this.endpoints[i];
    await waitFor(
      async () =>
        await fetch(`${url}/health`)
          .then((r) => r.ok)
          .catch(() => false),
      30_000,
      `etcd member ${i} healthy`,
    );
  }

  /** Whether member i's process is running. */
  alive(i: number): boolean {
    const p = this.member(i).proc;
    return Boolean(p && p.exitCode === null && p.signalCode === null);
  }

  /** SIGKILLs member i and waits for it to exit. */
  async kill(i: number): Promise<void> {
    const p = this.member(i).proc;
    if (!p || !this.alive(i)) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** SIGSTOPs member i: a hung process whose sockets stay open (it answers nothing). */
  pause(i: number): void {
    if (this.alive(i)) this.member(i).proc?.kill('SIGSTOP');
  }

  /** SIGCONTs a paused member i. */
  resume(i: number): void {
    if (this.alive(i)) this.member(i).proc?.kill('SIGCONT');
  }

  /** Restarts a killed member on its ports and data and waits until it is healthy again. */
  async restart(i: number): Promise<void> {
    if (this.alive(i)) return;
    this.spawn(i);
    await this.waitHealthy(i);
  }

  /** The index of a live member other than the leader. */
  async follower(): Promise<number> {
    return ((await this.leader()) + 1) % this.members.length;
  }

  private async status(i: number): Promise<StatusAnswer | undefined> {
    const r = await fetch(`${this.endpoints[i]}/v3/maintenance/status`, { method: 'POST', body: '{}' }).catch(
      () => undefined,
    );
    return r?.ok ? ((await r.json()) as StatusAnswer) : undefined;
  }

  /** The index of the current leader, as a live member reports it (waits for an election). */
  async leader(): Promise<number> {
    let found = -1;
    await waitFor(
      async () => {
        const ids = new Map<string, number>();
        let leaderId: string | undefined;
        for (let i = 0; i < this.members.length; i++) {
          if (!this.alive(i)) continue;
          const s = await this.status(i);
          if (s?.header?.member_id) ids.set(s.header.member_id, i);
          if (s?.leader && s.leader !== '0') leaderId = s.leader;
        }
        found = leaderId !== undefined ? (ids.get(leaderId) ?? -1) : -1;
        return found >= 0;
      },
      15_000,
      'an etcd leader',
    );
    return found;
  }

  /** Kills every member and removes the data. */
  async destroy(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.kill(i)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
