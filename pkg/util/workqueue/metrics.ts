/**
 * The optional metrics hook of a work queue. The queue only calls it; whoever constructs the
 * queue decides what the calls feed (Prometheus counters, a test spy, nothing).
 */

/** Counters a queue reports into; every call is synchronous and must not throw. */
export interface QueueMetrics {
  /** Called once for each add() that enqueued an item (not for deduplicated or post-shutdown adds). */
  adds(): void;
  /** Called with the number of waiting items (what len() returns) whenever it changes. */
  depth(n: number): void;
  /** Called once for each addRateLimited() accepted by a rate-limiting queue (a backoff requeue). */
  retries(): void;
}
