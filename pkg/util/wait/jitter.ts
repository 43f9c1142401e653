/**
 * Jitter for periods (apimachinery's wait.Jitter): a period is a minimum, stretched upwards
 * at random so many loops started together drift apart. (Backoff delays are jittered
 * downwards instead, so their cap stays a true maximum: see backoff.ts.)
 */

/**
 * `ms` stretched by up to `factor` of itself: a value in [ms, ms·(1 + factor)). A factor of 0
 * or less returns `ms` unchanged. `random` returns a number in [0, 1) (default Math.random).
 */
export function jitter(ms: number, factor: number, random: () => number = Math.random): number {
  if (factor <= 0) return ms;
  return ms + ms * factor * random();
}
