/**
 * Per-key backoff (client-go's flowcontrol.Backoff, as the kubelet's CrashLoopBackOff uses it):
 * every key has its own delay, which grows each time the key is retried and counts from when
 * its last attempt ended, not from when someone asks. A key whose last attempt ran healthy for
 * `resetAfterMs` before it ended starts over at no delay.
 */
import { type Clock, realClock } from '../clock/clock';
import { Backoff } from './backoff';

/** Tuning of a KeyedBackoff: the delays after the first, second … retry of a key. */
export interface KeyedBackoffOptions {
  /** Delay after the first retry, in ms. */
  durationMs: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** The longest delay, in ms. */
  capMs: number;
  /** An attempt that ran this long before it ended forgets the key's delay (default: never). */
  resetAfterMs?: number;
}

/** When a key's last attempt started and ended (epoch ms); missing ends mean "now". */
export interface LastAttempt {
  startedAt?: number;
  finishedAt?: number;
}

interface KeyState {
  readonly backoff: Backoff;
  delayMs: number;
}

/** Delays per key; keys are independent. */
export class KeyedBackoff {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly opts: KeyedBackoffOptions,
    private readonly clock: Clock = realClock,
  ) {}

  /**
   * Ms still to wait before retrying `key`, whose last attempt is `last` (0: retry now). A last
   * attempt that ran at least `resetAfterMs` forgets the key first.
   */
  remaining(key: string, last: LastAttempt = {}): number {
    const now = this.clock.now();
    const finished = last.finishedAt ?? now;
    const started = last.startedAt ?? finished;
    if (this.opts.resetAfterMs !== undefined && finished - started >= this.opts.resetAfterMs) this.keys.delete(key);
    const delay = this.keys.get(key)?.delayMs ?? 0;
    return Math.max(0, finished + delay - now);
  }

  /** Records a retry of `key`: its next delay is the backoff's next step. */
  retried(key: string): void {
    let state = this.keys.get(key);
    if (!state) {
      const { durationMs, factor = 2, capMs } = this.opts;
      state = { backoff: new Backoff({ durationMs, factor, capMs }), delayMs: 0 };
      this.keys.set(key, state);
    }
    state.delayMs = state.backoff.step() ?? state.delayMs;
  }

  /** Forgets `key` (its next retry waits for nothing). */
  forget(key: string): void {
    this.keys.delete(key);
  }

  /** Forgets every key starting with `prefix` (e.g. all containers of a deleted pod). */
  forgetPrefix(prefix: string): void {
    for (const k of this.keys.keys()) if (k.startsWith(prefix)) this.keys.delete(k);
  }
}
