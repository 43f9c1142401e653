/** Waiting on conditions with a deadline: the tests' only synchronisation (never fixed sleeps). */

/**
 * Polls `cond` every 10 ms until it returns true; rejects after `timeoutMs` with an error
 * naming `what`. A `cond` that throws rejects at once with that error.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
