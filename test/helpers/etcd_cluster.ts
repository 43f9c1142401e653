/**
 * A private multi-member etcd cluster (Debian's /usr/bin/etcd) for tests that kill members:
 * each member has its own temp data dir and free loopback ports. `kill(i)` SIGKILLs member i,
 * `restart(i)` brings it back on the same ports and data (it rejoins and catches up),
 * `pause(i)`/`resume(i)` SIGSTOP/SIGCONT it (a hung member: its connections stay open and
 * nothing answers), and `leader()` asks a live member which member leads.
 *
 * The ports are picked free but only bound when etcd starts, so on a busy machine another
 * process can take one in between: a member that then exits ("address already in use") makes
 * `start()` form the cluster again on fresh ports (a few times); any other early exit fails at
 * once with the tail of that member's log (`<dir>/<name>.log`), never after a 30 s wait.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
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

  /**
   * Starts every member and waits until each reports healthy; forms the cluster again on fresh
   * ports (up to 3 times) when a member could not bind its port (see the file comment).
   */
  async start(): Promise<void> {
    for (let formation = 1; ; formation++) {
      await this.pickPorts();
      for (let i = 0; i < this.size; i++) this.spawn(i);
      try {
        await Promise.all(this.members.map((_, i) => this.waitHealthy(i)));
        return;
      } catch (err) {
        const portTaken = this.members.some((_, i) => !this.alive(i) && /address already in use/.test(this.logTail(i)));
        await Promise.all(this.members.map((_, i) => this.kill(i)));
        if (!portTaken || formation >= 3) throw err;
        for (const m of this.members) rmSync(path.join(this.dir, m.name), { recursive: true, force: true });
      }
    }
  }

  /** Fresh distinct free ports for every member. */
  private async pickPorts(): Promise<void> {
    const used = new Set<number>();
    const pick = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!used.has(p)) {
          used.add(p);
          return p;
        }
      }
    };
    this.members = [];
    for (let i = 0; i < this.size; i++)
      this.members.push({ name: `m${i}`, clientPort: await pick(), peerPort: await pick() });
  }

  /** The last lines member i wrote to its log. */
  private logTail(i: number): string {
    try {
      return readFileSync(path.join(this.dir, `${this.member(i).name}.log`), 'utf8')
        .split('\n')
        .slice(-8)
        .join('\n');
    } catch {
      return '(no log)';
    }
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
    const log = openSync(path.join(this.dir, `${m.name}.log`), 'a');
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
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
  }

  private async waitHealthy(i: number): Promise<void> {
    const url = this.endpoints[i];
    const proc = this.member(i).proc;
    await waitFor(
      async () => {
        if (this.member(i).proc !== proc || !this.alive(i))
          throw new Error(`etcd member ${i} exited before it was healthy:\n${this.logTail(i)}`);
        return await fetch(`${url}/health`)
          .then((r) => r.ok)
          .catch(() => false);
      },
      30_000,
      () => `etcd member ${i} healthy; its log ends:\n${this.logTail(i)}`,
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
