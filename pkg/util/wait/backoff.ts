/**
 * Exponential backoff parameters and the delays they produce (apimachinery's wait.Backoff):
 * the first delay is `durationMs`, each later one `factor` times the one before, never more
 * than `capMs`; `steps` delays are handed out, then the backoff is exhausted. Each delay is
 * jittered DOWNWARDS by up to `jitter` of itself (a value in [d·(1−jitter), d]), so the cap is
 * a true maximum while loops that failed together still spread out. Unlike apimachinery,
 * reaching the cap does not end the steps: an unbounded backoff keeps waiting `capMs`.
 */

/** Tuning of a Backoff (apimachinery's Backoff{Duration, Factor, Jitter, Steps, Cap}). */
export interface BackoffParams {
  /** The first delay, in ms. */
  durationMs: number;
  /** Growth per step (1: constant delays). */
  factor: number;
  /** Fraction in [0, 1): each delay is drawn from [d·(1−jitter), d]. */
  jitter: number;
  /** How many delays are handed out before step() says "give up" (Infinity: never). */
  steps: number;
  /** The longest delay, in ms (Infinity: no cap). */
  capMs: number;
}

/** What omitted params default to: constant 1 s delays, unjittered, uncapped, forever. */
export const defaultBackoffParams: BackoffParams = {
  durationMs: 1000,
  factor: 1,
  jitter: 0,
  steps: Number.POSITIVE_INFINITY,
  capMs: Number.POSITIVE_INFINITY,
};

/** A stateful sequence of delays; one per retry loop, never shared between loops. */
export class Backoff {
  /** The parameters, omitted ones defaulted. */
  readonly params: BackoffParams;
  private current: number;
  private left: number;

  /** `random` returns a number in [0, 1) and draws the jitter (default Math.random). */
  constructor(
    params: Partial<BackoffParams> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.params = { ...defaultBackoffParams, ...params };
    this.current = this.params.durationMs;
    this.left = this.params.steps;
  }

  /** Delays still to be handed out (Infinity for an unbounded backoff). */
  get stepsLeft(): number {
    return this.left;
  }

  /**
   * The next delay in whole ms, advancing the sequence; undefined once `steps` delays have
   * been handed out (the caller gives up).
   */
  step(): number | undefined {
    if (this.left <= 0) return undefined;
    this.left--;
    const { factor, jitter, capMs } = this.params;
    const base = Math.min(this.current, capMs);
    this.current = Math.min(base * factor, capMs);
    return Math.round(jitter > 0 ? base * (1 - jitter * this.random()) : base);
  }

  /** Starts the sequence over: the next step() is `durationMs` again, with every step available. */
  reset(): void {
    this.current = this.params.durationMs;
    this.left = this.params.steps;
  }
}
