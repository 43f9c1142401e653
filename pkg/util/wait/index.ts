/**
 * The wait package (apimachinery's util/wait): the codebase's only retry and wait machinery,
 * one concept per file, every wait on an injectable Clock:
 * sleep (abortable) → Backoff (delays) → backoffUntil (retry until success or abort),
 * BackoffManager (reset after a healthy run), KeyedBackoff (per key), jitterUntil (periodic
 * loops), pollUntil (wait for a condition).
 */
export { sleep } from './sleep';
export { jitter } from './jitter';
export { Backoff, type BackoffParams, defaultBackoffParams } from './backoff';
export { backoffUntil, type BackoffUntilOptions } from './backoff_until';
export { BackoffManager, type BackoffManagerOptions, defaultBackoffManagerOptions } from './backoff_manager';
export { KeyedBackoff, type KeyedBackoffOptions, type LastAttempt } from './keyed_backoff';
export { jitterUntil, type JitterUntilOptions } from './jitter_until';
export { pollUntil, type PollOptions } from './poll';
