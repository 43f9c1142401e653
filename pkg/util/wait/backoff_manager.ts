/**
 * A backoff that forgets (client-go's exponential backoff manager, as the reflector uses it):
 * consecutive failures wait longer and longer, and a loop that ran healthy for `resetAfterMs`
 * since its last wait ended starts over from the first delay. Driven by an injected clock.
 */
import type { Clock } from '../clock/clock';
import { Backoff, type BackoffParams } from './backoff';
import { sleep } from './sleep';

/** Tuning of a BackoffManager: a Backoff's (unbounded steps) plus when it resets. */
export interface BackoffManagerOptions extends Omit<BackoffParams, 'steps'> {
  /** A run this long since the last wait ended counts as healthy: the next wait starts over. */
  resetAfterMs: number;
}

/** client-go's reflector values: 0.8 s doubling to 30 s, jittered by 20 %, reset after 2 min healthy. */
export const defaultBackoffManagerOptions: BackoffManagerOptions = {
  durationMs: 800,
  capMs: 30_000,
  factor: 2,
  jitter: 0.2,
  resetAfterMs: 120_000,
};

/** Consecutive-failure backoff that resets after a healthy run. Not shared between loops. */
export class BackoffManager {
  private readonly resetAfterMs: number;
  private readonly backoff: Backoff;
  /** When the last wait ended (or will end); undefined before the first failure. */
  private lastEnd: number | undefined;

  /** Omitted options take defaultBackoffManagerOptions; `random` draws the jitter. */
  constructor(
    private readonly clock: Clock,
    opts: Partial<BackoffManagerOptions> = {},
    random: () => number = Math.random,
  ) {
    const { resetAfterMs, ...params } = { ...defaultBackoffManagerOptions, ...opts };
    this.resetAfterMs = resetAfterMs;
    this.backoff = new Backoff({ ...params, steps: Number.POSITIVE_INFINITY }, random);
  }

  /** The next wait in ms, advancing the sequence (started over first if the run was healthy). */
  next(): number {
    const now = this.clock.now();
    if (this.lastEnd !== undefined && now - this.lastEnd >= this.resetAfterMs) this.backoff.reset();
    const wait = this.backoff.step() ?? 0;
    this.lastEnd = now + wait;
    return wait;
  }

  /** Sleeps next() ms on the clock; resolves early (never rejects) when `signal` aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    await sleep(this.next(), signal, this.clock);
  }
}
