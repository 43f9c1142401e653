/**
 * The etcd members one store talks to, and failover between them (clientv3's balancer and
 * retry interceptor, reduced to what the apiserver needs).
 *
 * One etcd3 client per member, so that the member a call went to is always known. Calls go to
 * the preferred member; when it fails, the preference moves to the next member and the call is
 * tried there, round after round with a short backoff, until the call's deadline:
 *
 * - reads (idempotent) are retried after any unavailability error;
 * - writes are retried only when the request provably never reached a working member (the
 *   connection was refused or never established, or the member dropped the proposal): a write
 *   whose answer was lost may have been applied, and retrying it would turn the caller's own
 *   create into a 409. Such a write fails with Unreachable (503) and the client decides, as
 *   clientv3's non-repeatable calls do.
 *
 * A member can also hang (a stopped process, a dead peer whose connection is not yet closed):
 * then nothing fails, the call just never answers. So a read's attempt on one member has its
 * own deadline, `attemptTimeoutMs` in the first round of members and doubling each round (a
 * merely slow read still gets its time), and moves on when it passes. A write keeps the whole
 * deadline: once sent it may be applied whenever the member resumes, so a timed-out write is
 * ambiguous (503) anyway; the next call then starts on the next member. With one member
 * there is nowhere to move, and every attempt has the whole deadline.
 *
 * A read that a member answers with "leader changed" is asked again on that member (once per
 * call, after a short pause) instead of moving on: the member is alive and has just learnt the
 * new leader, while the next member may be the old leader, hung, which would cost the read a
 * whole (doubled) attempt deadline.
 *
 * Any error that is not about reaching a member (a compacted revision, a failed txn's answer)
 * is returned at once. Nothing here keeps a member out for long: a member that comes back is
 * used again as soon as the preference reaches it.
 */
import { noop } from 'cockatiel';
import { Etcd3, type IOptions } from 'etcd3';
import type * as RPC from 'etcd3/lib/rpc';
import type { Logger } from 'pino';
import { Backoff, sleep } from '../../util/wait';

/** The gRPC options of one attempt: never past the whole call's deadline (retries never extend it). */
export interface CallOptions {
  deadline: number;
}

/** Whether a call may be repeated after an ambiguous failure. */
export type CallKind = 'read' | 'write';

/** How a failed call is treated: `unsent` may be retried anywhere, `unavailable` only if idempotent. */
export type FailureClass = 'unsent' | 'unavailable' | 'other';

/** gRPC answers that say the request never reached a member that could apply it. */
const unsentPattern =
  /ECONNREFUSED|No connection established|failed to connect|connect ETIMEDOUT|raft proposal dropped|etcdserver: no leader|etcdserver: not capable/i;
/** gRPC answers that say the member (or the cluster) could not answer now; a read may be repeated. */
const unavailablePattern =
  /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNRESET|Connection dropped|Channel .*closed|etcdserver: request timed out|etcdserver: leader changed|etcdserver: too many requests|etcdserver: server stopped|GRPCUnavailableError|GRPCDeadlineExceededError|GRPCCancelledError|CANCELLED/i;

/** A member's answer that its leader changed while the request waited: it knows the new one. */
const leaderChangedPattern = /etcdserver: leader changed/i;

/** How long a read waits before asking again the member that reported a new leader. */
const leaderChangedPauseMs = 50;

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Classifies an etcd client error; see the file comment. */
export function classifyFailure(err: unknown): FailureClass {
  const msg = errorText(err);
  if (unsentPattern.test(msg)) return 'unsent';
  if (unavailablePattern.test(msg)) return 'unavailable';
  return 'other';
}

const hostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Checks an --etcd-servers list: every entry an http(s)://host:port URL (no path) or a bare
 * host:port, none empty (a stray comma), no member twice. Returns the entries trimmed (URLs
 * without a trailing slash); throws an Error naming the bad entry. A bad entry would otherwise
 * fail every call sent to it without moving the preference on, or count one member twice.
 */
export function parseEtcdServers(list: readonly string[]): string[] {
  const what = `is not an etcd client URL (http://host:port, https://host:port or host:port)`;
  if (list.length === 0) throw new Error('--etcd-servers: no etcd servers given');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const entry = raw.trim();
    if (!entry) throw new Error(`--etcd-servers entry ${i + 1} is empty (a stray comma?)`);
    let out = entry;
    let host = entry;
    if (entry.includes('://')) {
      let u: URL;
      try {
        u = new URL(entry);
      } catch {
        throw new Error(`--etcd-servers: ${JSON.stringify(entry)} ${what}`);
      }
      const plain = (u.pathname === '' || u.pathname === '/') && !u.search && !u.hash && !u.username;
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !plain || !u.port)
        throw new Error(`--etcd-servers: ${JSON.stringify(entry)} ${what}`);
      host = u.host;
      out = `${u.protocol}//${u.host}`;
    } else if (!hostPort.test(entry)) throw new Error(`--etcd-servers: ${JSON.stringify(entry)} ${what}`);
    const key = host.toLowerCase();
    if (seen.has(key)) throw new Error(`--etcd-servers lists ${host} twice`);
    seen.add(key);
    return out;
  });
}

/** Options of a member set. */
export interface EtcdMembersOptions {
  /** Client URLs, one per member, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** gRPC dial timeout per member in ms (default 3,000). */
  dialTimeoutMs?: number;
  /** A read's deadline on one member in the first round, doubling per round (default 1,000 ms). */
  attemptTimeoutMs?: number;
  logger?: Logger;
}

/** The members of one etcd cluster with a moving preference; see the file comment. */
export class EtcdMembers {
  private readonly clients: Etcd3[];
  private readonly endpoints: string[];
  private preferred = 0;
  private readonly log?: Logger;
  private readonly attemptTimeoutMs: number;

  constructor(opts: EtcdMembersOptions) {
    this.endpoints = parseEtcdServers(opts.endpoints);
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 1000;
    this.log = opts.logger;
    this.clients = this.endpoints.map((host) => {
      const clientOpts: IOptions = {
        hosts: [host],
        dialTimeout: opts.dialTimeoutMs ?? 3000,
        // Failover and retries are ours (above): no circuit breaker, no blanket retry.
        faultHandling: { host: () => noop, global: noop },
        // A member that returns is reconnected within 2 s, not grpc's default of up to 2 min.
        grpcOptions: { 'grpc.max_reconnect_backoff_ms': 2000, 'grpc.initial_reconnect_backoff_ms': 100 },
      };
      return new Etcd3(clientOpts);
    });
  }

  /** How many members there are. */
  get size(): number {
    return this.clients.length;
  }

  /** The client of the member currently preferred. */
  current(): Etcd3 {
    return this.clients[this.preferred % this.clients.length] as Etcd3;
  }

  /** The preferred member's watch client (a watch stream lives on one member). */
  watchClient(): RPC.WatchClient {
    return this.current().watchClient;
  }

  /** Moves the preference off `client` (when it still is the preferred one) to the next member. */
  failed(client: Etcd3 | RPC.WatchClient, err?: unknown): void {
    const cur = this.current();
    if (client !== cur && client !== cur.watchClient) return;
    const from = this.endpoints[this.preferred % this.clients.length];
    this.preferred = (this.preferred + 1) % this.clients.length;
    this.log?.info(
      { from, to: this.endpoints[this.preferred], err: err instanceof Error ? err.message : undefined },
      'etcd member failed; moving to the next',
    );
  }

  /**
   * Runs `fn` on the preferred member, failing over as the file comment says, until `deadline`
   * (epoch ms). Throws the last error when no member could answer in time.
   */
  async run<R>(kind: CallKind, deadline: number, fn: (client: Etcd3, call: CallOptions) => Promise<R>): Promise<R> {
    const backoff = new Backoff({ durationMs: 50, factor: 2, capMs: 500 });
    /** Members asked again after they reported a new leader (once each per call). */
    const reasked = new Set<Etcd3>();
    for (let attempt = 1; ; attempt++) {
      const client = this.current();
      const round = Math.floor((attempt - 1) / this.clients.length);
      const attemptDeadline =
        kind === 'read' && this.clients.length > 1
          ? Math.min(deadline, Date.now() + this.attemptTimeoutMs * 2 ** Math.min(round, 10))
          : deadline;
      try {
        return await fn(client, { deadline: attemptDeadline });
      } catch (err) {
        const cls = classifyFailure(err);
        if (cls === 'other' || (cls === 'unavailable' && kind === 'write')) {
          if (cls !== 'other') this.failed(client, err);
          throw err;
        }
        if (kind === 'read' && !reasked.has(client) && leaderChangedPattern.test(errorText(err))) {
          reasked.add(client);
          if (Date.now() + leaderChangedPauseMs >= deadline) throw err;
          await sleep(leaderChangedPauseMs);
          attempt--; // the same member again, in the same round
          continue;
        }
        this.failed(client, err);
        // A full round of members failed: wait a little (an election, a restart) before the next.
        const wait = attempt % this.clients.length === 0 ? (backoff.step() ?? 500) : 0;
        if (Date.now() + wait >= deadline) throw err;
        if (wait) await sleep(wait);
      }
    }
  }

  /** Closes every member's connections. */
  close(): void {
    for (const c of this.clients) c.close();
  }
}
