/** Small statistics and timing helpers of the benchmarks. */
import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one
 * machine (timeOrigin is the wall clock at process start; now() is monotonic since then).
 */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The p-th percentile (0–100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** Percentiles of an already sorted array (cheap for big arrays). */
export function sortedPercentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Median (p50). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every `everyMs` until it is true; throws after `timeoutMs` naming `what`. */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Outcome of a pool run. */
export interface PoolResult {
  /** Operations that completed. */
  done: number;
  /** Operations that threw (the first error is kept). */
  failed: number;
  firstError?: unknown;
  elapsedMs: number;
}

/**
 * Runs `op(i)` for i = 0…count-1 with at most `concurrency` in flight; stops issuing new
 * operations once `maxMs` has passed (so every run is bounded in time).
 */
export async function runPool(
  concurrency: number,
  count: number,
  op: (i: number) => Promise<void>,
  maxMs = Infinity,
): Promise<PoolResult> {
  const start = performance.now();
  let next = 0;
  let done = 0;
  let failed = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() - start < maxMs) {
      const i = next++;
      try {
        await op(i);
        done++;
      } catch (err) {
        failed++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { done, failed, ...(firstError !== undefined ? { firstError } : {}), elapsedMs: performance.now() - start };
}
