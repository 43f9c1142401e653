/**
 * The volume reconciler: makes the actual state match the desired state. Every (PV, pod) pair
 * desired but not mounted is published through its volume driver; every pair mounted but no longer
 * desired is torn down (the plugin unmounts when its last pod goes). Runs are serialized; a
 * failed setUp is remembered per pod (FailedMount) and retried with backoff.
 *
 * Before any driver is asked, a PV's nodeAffinity must admit this kubelet's Node (whatever
 * its source: hostPath, NFS, local, …), as Kubernetes' kubelet checks; a PV pinned elsewhere
 * is a FailedMount saying so and is never published here.
 *
 * Event-driven: a run starts when kicked (a pod or claim changed) and, after a failure, when
 * the retry backoff (0.5 s doubling to 30 s, reset by a clean run) elapses on the clock.
 * Nothing polls: idle() waiters are woken by the run that leaves nothing pending.
 */
import type { Logger } from 'pino';
import type { Node, PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { volumeNodeAffinityProblem } from '../../volume/node_affinity';
import type { PublishContext, VolumeContext } from '../../volume/node_service';
import { type Clock, realClock, type TimerHandle } from '../../util/clock/clock';
import { Backoff } from '../../util/wait';
import type { ActualStateOfWorld } from './actual_state';
import type { DesiredStateOfWorld } from './desired_state';
import type { MountedClaim, NodeExpander } from './node_expander';

/** Publishes and unpublishes one PV for one pod (the kubelet's NodeDrivers satisfies it). */
export interface VolumePublisher {
  publishVolume(pv: PersistentVolume, ctx: PublishContext): Promise<{ hostPath: string }>;
  unpublishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<void>;
}

/** Options of the reconciler. */
export interface ReconcilerOptions {
  dsw: DesiredStateOfWorld;
  asw: ActualStateOfWorld;
  drivers: VolumePublisher;
  rootDir: string;
  /** The kubelet's own Node object as last seen (undefined until it is known: nothing is published). */
  node(): DeepReadonly<Node> | undefined;
  logger: Logger;
  /** Called for a pod whose volumes became ready, or whose mount error changed. */
  onPodChanged(podUid: string): void;
  /** Times the retries (default: the wall clock). */
  clock?: Clock;
  /** Finishes node-side expansions of mounted volumes, with the claims as last fetched (absent: none). */
  expansion?: { expander: NodeExpander; claim(key: string): MountedClaim['claim'] | undefined };
}

/** Serialized, event-triggered reconciliation with retry backoff. */
export class VolumeReconciler {
  /** Last setUp/tearDown error per pod. */
  readonly mountErrors = new Map<string, string>();
  private running = false;
  private again = false;
  private readonly clock: Clock;
  private retryTimer?: TimerHandle;
  private readonly retry = new Backoff({ durationMs: 500, factor: 2, capMs: 30_000 });
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: ReconcilerOptions) {
    this.clock = o.clock ?? realClock;
  }

  /** Asks for a reconcile; coalesces requests made while one runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** Resolves when no reconcile is running or pending (a scheduled retry does not count). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No run starts any more (one in progress finishes); the retry timer is cancelled. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    this.running = true;
    let failed = false;
    try {
      do {
        this.again = false;
        failed = (await this.once()) || failed;
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
      this.again = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (failed && !this.stopped) {
      if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = this.clock.setTimeout(() => this.kick(), this.retry.step() ?? 0);
    } else this.retry.reset();
  }

  /** One pass; returns true when something failed and should be retried. */
  private async once(): Promise<boolean> {
    const { dsw, asw, drivers, rootDir, logger } = this.o;
    let failed = false;
    // Tear down what no pod needs any more.
    for (const { pv, podUid, readOnly } of asw.pairs()) {
      const name = pv.metadata.name;
      if (dsw.wants(name, podUid)) continue;
      try {
        await drivers.unpublishVolume(pv, { podUid, rootDir, readOnly });
        asw.markUnmounted(name, podUid);
        logger.info({ pv: name, podUid }, 'volume torn down');
      } catch (err) {
        failed = true;
        logger.warn({ pv: name, podUid, err: (err as Error).message }, 'tearDown failed');
      }
    }
    // Set up what pods need.
    const node = this.o.node();
    for (const pod of dsw.allPods()) {
      let podError: string | undefined;
      let mountedSomething = false;
      for (const v of pod.volumes) {
        if (!v.pv) continue;
        const name = v.pv.metadata.name;
        if (asw.isMounted(name, pod.podUid)) continue;
        if (!node) {
          failed = true;
          podError = `MountVolume.SetUp of volume "${v.volumeName}" waits for this kubelet's Node object (not known yet)`;
          continue;
        }
        const pinned = volumeNodeAffinityProblem(v.pv, node);
        if (pinned) {
          failed = true;
          podError = pinned;
          continue;
        }
        try {
          const { hostPath } = await drivers.publishVolume(v.pv, {
            podUid: pod.podUid,
            rootDir,
            readOnly: v.readOnly,
            node,
          });
          asw.markMounted(v.pv, pod.podUid, hostPath, v.readOnly);
          mountedSomething = true;
          logger.info({ pv: name, pod: pod.podKey, hostPath }, 'volume set up');
        } catch (err) {
          failed = true;
          podError = `MountVolume.SetUp failed for volume "${v.volumeName}" (persistentvolume "${name}"): ${(err as Error).message}`;
        }
      }
      const before = this.mountErrors.get(pod.podUid);
      if (podError) this.mountErrors.set(pod.podUid, podError);
      else this.mountErrors.delete(pod.podUid);
      if (mountedSomething || before !== podError) this.o.onPodChanged(pod.podUid);
    }
    if (node) failed = (await this.expandMounted(node)) || failed;
    return failed;
  }

  /** Offers every mounted (claim, PV, pod) to the node expander; true when one should be retried. */
  private async expandMounted(node: DeepReadonly<Node>): Promise<boolean> {
    const x = this.o.expansion;
    if (!x) return false;
    let failed = false;
    for (const pod of this.o.dsw.allPods()) {
      const slash = pod.podKey.indexOf('/');
      const ref = { uid: pod.podUid, namespace: pod.podKey.slice(0, slash), name: pod.podKey.slice(slash + 1) };
      for (const v of pod.volumes) {
        const claim = x.claim(v.claimKey);
        if (!v.pv || !claim || !this.o.asw.isMounted(v.pv.metadata.name, pod.podUid)) continue;
        const ctx = { podUid: pod.podUid, rootDir: this.o.rootDir, readOnly: v.readOnly, node };
        try {
          failed = (await x.expander.expand({ claim, pv: v.pv, pod: ref, ctx })) || failed;
        } catch (err) {
          failed = true;
          this.o.logger.warn({ claim: v.claimKey, err: (err as Error).message }, 'node expansion failed');
        }
      }
    }
    return failed;
  }
}
