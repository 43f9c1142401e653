/**
 * One etcd watch of a key prefix, on a gRPC stream of its own.
 *
 * Not etcd3's WatchManager: it multiplexes every watcher on one stream and matches responses
 * to watchers by id, and when a response races a reconnect (etcd restarting under load) it
 * throws from inside a stream callback, which no caller can catch and which kills the process.
 * A stream per prefix (the apiserver holds one per resource) needs no id matching at all.
 *
 * Contract: every event with a revision after `afterRevision` is delivered once, in revision
 * order. When the stream breaks (etcd restart, network) the watch re-opens from the revision
 * after the last one delivered, with a capped backoff, for as long as it takes; only etcd
 * cancelling the watch (the revision was compacted) ends it, through `onExpired`, once.
 * `stop()` ends it silently. Nothing here throws into the event loop.
 *
 * With several etcd members a broken stream moves the member preference on (`members.failed`)
 * and re-opens on the next member from the same revision: a member's death costs no event,
 * and a relist (onExpired) happens only when that revision was compacted.
 *
 * A member can also fail without breaking the stream: a hung process keeps its connection open
 * and sends nothing, and a member cut off from the others keeps serving its stale state. Two
 * guards, as clientv3 and kube-apiserver have them: the stream is opened with etcd's
 * `hasleader` metadata (etcd refuses it, and later cancels it, while the member has no leader),
 * and a stream silent for `progressIntervalMs` is asked for its progress (a progress request,
 * answered by any live member); one silent for `silenceTimeoutMs` is treated as broken and
 * re-opened on the next member, from the same revision.
 */
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import type * as RPC from 'etcd3/lib/rpc';
import type { Logger } from 'pino';
import { Backoff } from '../../util/wait';
import { prefixEnd } from './codec';

/** What a PrefixWatch reports. */
export interface PrefixWatchHandlers {
  /** Events of one response, in revision order (already after every revision delivered before). */
  onEvents(events: RPC.IEvent[]): void;
  /** etcd cancelled the watch (compacted revision): called once, then nothing more. */
  onExpired(message: string): void;
}

/** Where a PrefixWatch gets a member to watch on, and reports one whose stream broke (EtcdMembers). */
export interface WatchMembers {
  /** The preferred member's watch client. */
  watchClient(): RPC.WatchClient;
  /** The stream on `client` broke: prefer another member. */
  failed(client: RPC.WatchClient, err?: unknown): void;
}

/** Options of a PrefixWatch. */
export interface PrefixWatchOptions {
  members: WatchMembers;
  prefix: string;
  afterRevision: number;
  handlers: PrefixWatchHandlers;
  logger?: Logger;
  /** Reconnect backoff bounds in ms (default 100 → 2,000). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A stream silent this long gets a progress request (default 2,000 ms). */
  progressIntervalMs?: number;
  /** A stream silent this long is re-opened on the next member (default 5,000 ms). */
  silenceTimeoutMs?: number;
}

/** Adds etcd's `hasleader: true` metadata to a call (etcd's v3rpc stream interceptor reads it). */
const requireLeader: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set('hasleader', 'true');
      next(metadata, listener);
    },
  });

type WatchStream = RPC.IDuplexStream<RPC.IWatchRequest, RPC.IWatchResponse>;

/** A self-healing watch of one prefix; see the file comment for its contract. */
export class PrefixWatch {
  private readonly opts: PrefixWatchOptions;
  /** The revision the next (re)opened stream starts at. */
  private next: number;
  private stream?: WatchStream;
  /** The member client the current stream was opened on. */
  private streamClient?: RPC.WatchClient;
  private timer?: NodeJS.Timeout;
  /** The silence watchdog of the current stream. */
  private watchdog?: NodeJS.Timeout;
  /** When the current stream last answered anything (epoch ms). */
  private heardAt = 0;
  /** Reconnect delays; reset by every response. */
  private readonly backoff: Backoff;
  private done = false;

  constructor(opts: PrefixWatchOptions) {
    this.opts = opts;
    this.next = opts.afterRevision + 1;
    this.backoff = new Backoff({ durationMs: opts.minBackoffMs ?? 100, factor: 2, capMs: opts.maxBackoffMs ?? 2000 });
    void this.open();
  }

  /** Ends the watch; no handler is called afterwards. */
  stop(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.closeStream();
  }

  private async open(): Promise<void> {
    if (this.done) return;
    let stream: WatchStream;
    const client = this.opts.members.watchClient();
    this.streamClient = client;
    try {
      stream = await client.watch({ interceptors: [requireLeader] });
    } catch (err) {
      this.retry(err);
      return;
    }
    if (this.done) {
      stream.on('error', () => undefined);
      stream.cancel();
      return;
    }
    this.stream = stream;
    this.heardAt = Date.now();
    stream.on('data', (res: RPC.IWatchResponse) => {
      if (this.stream !== stream) return;
      this.heardAt = Date.now();
      this.receive(res);
    });
    this.startWatchdog(stream);
    // A stream that errors or ends without being cancelled by etcd is re-opened.
    stream.on('error', (err: Error) => {
      if (this.stream === stream) this.retry(err);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.retry(new Error('watch stream ended'));
    });
    const key = Buffer.from(this.opts.prefix);
    stream.write({
      create_request: { key, range_end: prefixEnd(this.opts.prefix), start_revision: String(this.next), prev_kv: true },
    });
  }

  private receive(res: RPC.IWatchResponse): void {
    if (this.done) return;
    if (res.canceled) {
      this.done = true;
      this.closeStream();
      const compacted =
        res.compact_revision && res.compact_revision !== '0' ? ` (compacted at ${res.compact_revision})` : '';
      this.opts.handlers.onExpired(
        `etcd cancelled the watch of ${this.opts.prefix} from revision ${this.next}${compacted}${res.cancel_reason ? `: ${res.cancel_reason}` : ''}`,
      );
      return;
    }
    this.backoff.reset();
    const events = res.events.filter((ev) => Number(ev.kv.mod_revision) >= this.next);
    const last = events[events.length - 1];
    if (!last) return;
    this.next = Number(last.kv.mod_revision) + 1;
    try {
      this.opts.handlers.onEvents(events);
    } catch (err) {
      // A handler bug must not unwind into grpc-js; the event is reported and skipped.
      this.opts.logger?.error({ prefix: this.opts.prefix, err: (err as Error).message }, 'watch handler failed');
    }
  }

  /** Asks a quiet stream for progress, and re-opens a silent one; see the file comment. */
  private startWatchdog(stream: WatchStream): void {
    const interval = this.opts.progressIntervalMs ?? 2000;
    const silence = this.opts.silenceTimeoutMs ?? 5000;
    this.watchdog = setInterval(
      () => {
        if (this.stream !== stream) return;
        const quiet = Date.now() - this.heardAt;
        if (quiet >= silence) this.retry(new Error(`etcd watch stream silent for ${quiet} ms`));
        else if (quiet >= interval) stream.write({ progress_request: {} });
      },
      Math.max(50, Math.min(interval, silence) / 2),
    );
    this.watchdog.unref();
  }

  private retry(err: unknown): void {
    if (this.done) return;
    this.closeStream();
    if (this.streamClient) this.opts.members.failed(this.streamClient, err);
    const delay = this.backoff.step() ?? 0;
    this.opts.logger?.debug(
      { prefix: this.opts.prefix, err: (err as Error).message, delay },
      'etcd watch stream broke; re-opening',
    );
    this.timer = setTimeout(() => void this.open(), delay);
  }

  private closeStream(): void {
    clearInterval(this.watchdog);
    const s = this.stream;
    this.stream = undefined;
    if (!s) return;
    s.on('error', () => undefined); // its CANCELLED error, and late ones, are expected
    s.cancel();
  }
}
