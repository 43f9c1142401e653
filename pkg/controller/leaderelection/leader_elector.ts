/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does:
 * candidates try to acquire or renew every `retryPeriod`; a lease is free once its holder has
 * not renewed for `leaseDuration`, measured on OUR clock from when we last saw it change (no
 * clock-skew assumptions); a leader that cannot renew within `renewDeadline` stops leading
 * (its work is aborted) before the lease can expire, then competes again. On shutdown the
 * leader releases the lease so another candidate takes over at once.
 */
import type { Logger } from 'pino';
import type { Lease } from '../../api/coordination/v1';
import { isAlreadyExists, isConflict, isNotFound } from '../../api/errors';
import { microTime } from '../../api/time';
import { jitter, jitterUntil, sleep } from '../../util/wait';

/** The lease operations the elector uses (a ResourceClient<Lease> satisfies it). */
export interface LeaseClient {
  get(name: string, namespace?: string): Promise<Lease>;
  create(obj: Lease): Promise<Lease>;
  update(obj: Lease): Promise<Lease>;
}

/** Configuration of one candidate. */
export interface LeaderElectionConfig {
  client: LeaseClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger: Logger;
  /** Called each time this candidate becomes leader; must stop when `signal` aborts. */
  onStartedLeading(signal: AbortSignal): Promise<void> | void;
  onStoppedLeading?(): void;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`lease request timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e as Error);
      },
    );
  });
}

/** One candidate in a leader election. */
export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private observed?: { holder: string; renewTime: string; at: number };
  private lease?: Lease;
  private leading = false;

  constructor(private readonly c: LeaderElectionConfig) {
    this.leaseMs = c.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = c.renewDeadlineMs ?? 10_000;
    this.retryMs = c.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseMs) throw new Error('renewDeadline must be shorter than leaseDuration');
  }

  /** True while this candidate holds the lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Competes until `signal` aborts, leading whenever it holds the lease. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const attemptAt = Date.now();
      if (await this.tryAcquireOrRenew()) await this.lead(signal, attemptAt);
      else await sleep(jitter(this.retryMs, 0.2), signal);
    }
  }

  /** `acquiredAt`: when the winning attempt started (no later than the renewTime it wrote). */
  private async lead(signal: AbortSignal, acquiredAt: number): Promise<void> {
    const log = this.c.logger;
    this.leading = true;
    log.info({ lease: `${this.c.namespace}/${this.c.name}`, identity: this.c.identity }, 'became leader');
    const work = new AbortController();
    const onAbort = () => work.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const running = Promise.resolve(this.c.onStartedLeading(work.signal)).catch((err: unknown) => {
      log.error({ err: (err as Error).message }, 'leader work failed');
    });
    let lastRenew = acquiredAt;
    const renewing = new AbortController();
    await jitterUntil(
      async () => {
        // Measured from the attempt's start (its renewTime), and cut off at the renew deadline, so
        // a hanging request cannot keep us leading past the lease the others see.
        const attemptAt = Date.now();
        if (await this.tryAcquireOrRenew(lastRenew + this.renewDeadlineMs)) lastRenew = attemptAt;
        else if (Date.now() - lastRenew >= this.renewDeadlineMs - this.retryMs || !this.holdsLease()) {
          log.warn('could not renew the lease in time; stopping leading');
          renewing.abort();
        }
      },
      { periodMs: this.retryMs, immediate: false, signal: AbortSignal.any([signal, renewing.signal]) },
    );
    work.abort();
    signal.removeEventListener('abort', onAbort);
    await running;
    this.leading = false;
    this.c.onStoppedLeading?.();
    if (signal.aborted) await this.release();
  }

  private holdsLease(): boolean {
    return this.lease?.spec?.holderIdentity === this.c.identity;
  }

  /** One attempt, given up at `deadline` (epoch ms) if not done by then; never throws. */
  private async tryAcquireOrRenew(deadline = Infinity): Promise<boolean> {
    const { client, namespace, name, identity } = this.c;
    const now = new Date();
    const perRequest = Math.max(1000, Math.min(this.retryMs * 2, this.renewDeadlineMs / 2));
    const timeout = (): number => Math.max(0, Math.min(perRequest, deadline - Date.now()));
    try {
      let current: Lease;
      try {
        current = await withTimeout(client.get(name, namespace), timeout());
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.lease = await withTimeout(
          client.create({
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.leaseMs / 1000,
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: 0,
            },
          }),
          timeout(),
        );
        this.observe(this.lease);
        return true;
      }
      this.observe(current);
      this.lease = current;
      const holder = current.spec?.holderIdentity ?? '';
      const expired =
        !holder ||
        (this.observed !== undefined &&
          Date.now() - this.observed.at > (current.spec?.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000);
      if (holder !== identity && !expired) return false;
      const spec = { ...current.spec };
      if (holder !== identity) {
        spec.acquireTime = microTime(now);
        spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
      }
      spec.holderIdentity = identity;
      spec.renewTime = microTime(now);
      spec.leaseDurationSeconds = this.leaseMs / 1000;
      this.lease = await withTimeout(client.update({ ...current, spec }), timeout());
      this.observe(this.lease);
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err))
        this.c.logger.debug({ err: (err as Error).message }, 'lease attempt failed');
      return false;
    }
  }

  private observe(l: Lease): void {
    const holder = l.spec?.holderIdentity ?? '';
    const renewTime = l.spec?.renewTime ?? '';
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: Date.now() };
    }
  }

  private async release(): Promise<void> {
    if (!this.lease || !this.holdsLease()) return;
    try {
      await withTimeout(
        this.c.client.update({
          ...this.lease,
          spec: { ...this.lease.spec, holderIdentity: null, leaseDurationSeconds: 1 },
        }),
        2000,
      );
    } catch {
      // best effort: the lease expires anyway
    }
  }
}
