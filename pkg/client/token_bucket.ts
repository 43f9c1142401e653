/** The client-side request limiter: a token bucket of `qps` tokens per second, `burst` deep. */
import { type Clock, realClock } from '../util/clock/clock';
import { sleep } from '../util/wait';

/** Waits for a token before each request. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  /** `clock` is injectable so tests drive time (default: the real clock). */
  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when a request may be sent; callers are served in order. */
  take(): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.wait());
    this.queue = turn;
    return turn;
  }

  private async wait(): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const waitMs = ((1 - this.tokens) / this.qps) * 1000;
    await sleep(waitMs, undefined, this.clock);
    this.tokens = 0;
    this.last = this.clock.now();
  }
}
