/**
 * The work queue package (client-go util/workqueue), layered one concept per file:
 * Queue (dedup + one worker per key) → DelayingQueue (addAfter on an injected Clock) →
 * RateLimitingQueue (addRateLimited / forget / numRequeues over a RateLimiter).
 */
export { Queue, type GetResult, type QueueOptions } from './queue';
export { DelayingQueue, type DelayingQueueOptions } from './delaying_queue';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './rate_limiting_queue';
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from './rate_limiters';
export type { QueueMetrics } from './metrics';
