/**
 * Per-item rate limiters (client-go default_rate_limiters.go). A RateLimiter answers "how long
 * should this key wait before it is retried?" and keeps whatever per-key state that needs.
 */
import { realClock, type Clock } from '../clock/clock';

/** Decides retry delays; when() records a failure, forget() clears a key's history. */
export interface RateLimiter {
  /** Records one more requeue of `item` and returns how many ms it should wait (>= 0). */
  when(item: string): number;
  /** Clears `item`'s history (call when it succeeded or was given up on). */
  forget(item: string): void;
  /** How many times `item` has been requeued since it was last forgotten. */
  numRequeues(item: string): number;
}

/**
 * Per-key exponential backoff: the n-th when() since forget() returns
 * min(baseDelayMs * 2^(n-1), maxDelayMs).
 */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  when(item: string): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseDelayMs * 2 ** exp;
    return Number.isFinite(backoff) && backoff < this.maxDelayMs ? backoff : this.maxDelayMs;
  }

  forget(item: string): void {
    this.failures.delete(item);
  }

  numRequeues(item: string): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * An overall token bucket shared by all keys: `burst` tokens, refilled at `qps` per second on
 * the clock. Each when() reserves a token and returns how long until that token exists (0
 * while tokens remain), so a flood of retries is spread out at `qps`. Keeps no per-key state:
 * forget() does nothing and numRequeues() is 0.
 */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(qps > 0) || !(burst >= 1))
      throw new RangeError(`BucketRateLimiter: need qps > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: string): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  forget(_item: string): void {}

  numRequeues(_item: string): number {
    return 0;
  }
}

/**
 * Combines limiters: when() asks every limiter (so each records the requeue) and returns the
 * longest delay; numRequeues() is the largest count; forget() forgets in all of them.
 */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(item: string): number {
    return this.limiters.reduce((max, l) => Math.max(max, l.when(item)), 0);
  }

  forget(item: string): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: string): number {
    return this.limiters.reduce((max, l) => Math.max(max, l.numRequeues(item)), 0);
  }
}

/**
 * client-go's DefaultControllerRateLimiter: the larger of per-key exponential backoff
 * (5 ms doubling up to 1000 s) and an overall 10 qps bucket with a burst of 100.
 */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialFailureRateLimiter(5, 1000 * 1000),
    new BucketRateLimiter(10, 100, clock),
  );
}
