/** Waiting on conditions with a deadline: the tests' only synchronisation (never fixed sleeps). */

/**
 * Polls `cond` every 10 ms until it returns true; rejects after `timeoutMs` with an error
 * naming `what` (a function is called then, so it can name the last value seen). A `cond`
 * that throws rejects at once with that error.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what: string | (() => string) = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
