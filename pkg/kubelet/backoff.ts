/**
 * Container restart backoff (CrashLoopBackOff): 10 s after the first failure, doubling per
 * restart, capped at 5 minutes, forgotten once a container has run for 10 minutes.
 */

/** Per-container restart delays. */
export class RestartBackoff {
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
    private readonly resetAfterMs = 600_000,
  ) {}

  /** Milliseconds to wait before restarting the container that finished at `finishedAt`. */
  remaining(key: string, finishedAt: string | undefined, startedAt: string | undefined, now = Date.now()): number {
    const finished = finishedAt ? Date.parse(finishedAt) : now;
    const started = startedAt ? Date.parse(startedAt) : finished;
    if (finished - started >= this.resetAfterMs) this.delays.delete(key);
    const delay = this.delays.get(key) ?? 0;
    return Math.max(0, finished + delay - now);
  }

  /** Records a restart: the next delay doubles. */
  restarted(key: string): void {
    const cur = this.delays.get(key);
    this.delays.set(key, cur === undefined ? this.initialMs : Math.min(cur * 2, this.maxMs));
  }

  /** Forgets a pod's containers (pod deleted). */
  forgetPrefix(prefix: string): void {
    for (const k of this.delays.keys()) if (k.startsWith(prefix)) this.delays.delete(k);
  }
}
