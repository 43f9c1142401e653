/**
 * The rate-limiting layer (client-go RateLimitingInterface): addRateLimited(key) requeues a
 * key after the delay its RateLimiter chooses; forget(key) ends its backoff once it succeeded
 * (or was given up on). The queue itself never forgets on its own: callers must.
 */
import { DelayingQueue, type DelayingQueueOptions } from './delaying_queue';
import { defaultControllerRateLimiter, type RateLimiter } from './rate_limiters';

/** Options of a RateLimitingQueue. */
export interface RateLimitingQueueOptions extends DelayingQueueOptions {
  /** Chooses retry delays; defaults to defaultControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter;
}

/** A DelayingQueue with per-key retry backoff; see the file comment for its contract. */
export class RateLimitingQueue extends DelayingQueue {
  private readonly rateLimiter: RateLimiter;

  constructor(options: RateLimitingQueueOptions = {}) {
    super(options);
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
  }

  /**
   * Requeues `item` after the rate limiter's delay (recording one more requeue) and counts a
   * retry in the metrics. Ignored after shutdown (no requeue is recorded).
   */
  addRateLimited(item: string): void {
    if (this.shuttingDown()) return;
    this.metrics?.retries();
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Clears `item`'s backoff history so its next addRateLimited starts from the base delay. */
  forget(item: string): void {
    this.rateLimiter.forget(item);
  }

  /** How many times `item` has been requeued with addRateLimited since it was last forgotten. */
  numRequeues(item: string): number {
    return this.rateLimiter.numRequeues(item);
  }
}
