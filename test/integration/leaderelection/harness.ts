/**
 * Leader-election test harness: candidates whose Lease client can be made to fail (reject at
 * once), hang (never answer), or fail then hang; every leadership term is recorded (from
 * onStartedLeading to the abort of its work signal) and overlaps are flagged as they happen.
 */
import type { Lease } from '../../../pkg/api/coordination/v1';
import { StatusError } from '../../../pkg/api/errors';
import { StatusReason } from '../../../pkg/api/meta';
import type { ResourceClient } from '../../../pkg/client/resource_client';
import { type LeaseClient, LeaderElector } from '../../../pkg/controller/leaderelection/leader_elector';
import { silentLogger } from '../../../pkg/log/logger';

/** How a candidate's lease requests behave. */
export type Mode =
  | 'ok'
  /** Every request rejects at once (connection refused). */
  | 'fail'
  /** Every request never answers (a partition, a frozen peer). */
  | 'hang'
  /** Requests reject at once until `hangAfterMs` since the last successful renewal, then never answer. */
  | 'failThenHang';

/** Test durations: lease 2 s, renew deadline 1.5 s, retry 300 ms. */
export const timing = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 300 };

/** A LeaseClient in front of the real one, with switchable failures. */
export class FlakyLeaseClient implements LeaseClient {
  mode: Mode = 'ok';
  hangAfterMs = 1100;
  /** spec.renewTime (ms) of the last successful write that made or kept us holder. */
  lastRenewTime = 0;
  calls = 0;

  constructor(
    private readonly inner: ResourceClient<Lease>,
    private readonly identity: string,
  ) {}

  private gate<T>(op: () => Promise<T>): Promise<T> {
    this.calls++;
    const failing =
      this.mode === 'fail' || (this.mode === 'failThenHang' && Date.now() - this.lastRenewTime < this.hangAfterMs);
    if (failing)
      return Promise.reject(new StatusError(503, StatusReason.ServiceUnavailable, 'connect ECONNREFUSED (simulated)'));
    if (this.mode !== 'ok') return new Promise<T>(() => undefined);
    return op();
  }

  private track(l: Lease): Lease {
    if (l.spec?.holderIdentity === this.identity && l.spec.renewTime) this.lastRenewTime = Date.parse(l.spec.renewTime);
    return l;
  }

  get(name: string, namespace?: string): Promise<Lease> {
    return this.gate(() => this.inner.get(name, namespace));
  }

  create(obj: Lease): Promise<Lease> {
    return this.gate(() => this.inner.create(obj)).then((l) => this.track(l));
  }

  update(obj: Lease): Promise<Lease> {
    return this.gate(() => this.inner.update(obj)).then((l) => this.track(l));
  }
}

/** One leadership term: [start, end) in ms; end unset while leading. */
export interface Term {
  id: string;
  start: number;
  end?: number;
}

/** The terms of every candidate of one election, and overlaps seen live. */
export class Election {
  readonly terms: Term[] = [];
  readonly violations: string[] = [];
  readonly candidates: Candidate[] = [];

  constructor(
    readonly leases: ResourceClient<Lease>,
    readonly name: string,
  ) {}

  /** Adds (and starts) a candidate. */
  candidate(id: string): Candidate {
    const c = new Candidate(this, id);
    this.candidates.push(c);
    return c;
  }

  leaders(): Candidate[] {
    return this.candidates.filter((c) => c.leading);
  }

  /** Pairs of terms that overlap in time. */
  overlaps(): string[] {
    const out: string[] = [];
    for (const a of this.terms)
      for (const b of this.terms) {
        if (a === b || a.id >= b.id) continue;
        const aEnd = a.end ?? Infinity;
        const bEnd = b.end ?? Infinity;
        if (a.start < bEnd && b.start < aEnd)
          out.push(`${a.id}[${a.start}, ${a.end ?? '…'}) overlaps ${b.id}[${b.start}, ${b.end ?? '…'})`);
      }
    return out;
  }

  /** Stops every candidate (releasing) and waits for them. */
  async stopAll(): Promise<void> {
    for (const c of this.candidates) {
      c.client.mode = 'ok';
      c.stop();
    }
    await Promise.all(this.candidates.map((c) => c.done));
  }
}

/** One in-process LeaderElector with a FlakyLeaseClient. */
export class Candidate {
  readonly client: FlakyLeaseClient;
  readonly elector: LeaderElector;
  readonly terms: Term[] = [];
  readonly done: Promise<void>;
  leading = false;
  stoppedLeading = 0;
  private readonly ac = new AbortController();

  constructor(
    private readonly election: Election,
    readonly id: string,
  ) {
    this.client = new FlakyLeaseClient(election.leases, id);
    this.elector = new LeaderElector({
      client: this.client,
      namespace: 'kube-system',
      name: election.name,
      identity: id,
      ...timing,
      logger: silentLogger(),
      onStartedLeading: (signal) => this.lead(signal),
      onStoppedLeading: () => {
        this.stoppedLeading++;
      },
    });
    this.done = this.elector.run(this.ac.signal);
  }

  private lead(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    for (const other of this.election.leaders())
      this.election.violations.push(`${this.id} started leading at ${now} while ${other.id} was leading`);
    this.leading = true;
    const term: Term = { id: this.id, start: now };
    this.terms.push(term);
    this.election.terms.push(term);
    return new Promise((resolve) => {
      const end = (): void => {
        term.end = Date.now();
        this.leading = false;
        resolve();
      };
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
    });
  }

  /** The current (last) term. */
  lastTerm(): Term | undefined {
    return this.terms[this.terms.length - 1];
  }

  /** Aborts the elector's run signal (a graceful shutdown: it releases the lease). */
  stop(): void {
    this.ac.abort();
  }
}
