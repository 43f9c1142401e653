/**
 * The volume reconciler: makes the actual state match the desired state. Every (PV, pod) pair
 * desired but not mounted is published through its volume driver; every pair mounted but no longer
 * desired is torn down (the plugin unmounts when its last pod goes). Runs are serialized; a
 * failed setUp is remembered per pod (FailedMount) and retried with backoff.
 */
import type { Logger } from 'pino';
import type { PersistentVolume } from '../../api/core/v1';
import type { VolumeContext } from '../../volume/node_service';
import type { ActualStateOfWorld } from './actual_state';
import type { DesiredStateOfWorld } from './desired_state';

/** Publishes and unpublishes one PV for one pod (the kubelet's NodeDrivers satisfies it). */
export interface VolumePublisher {
  publishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<{ hostPath: string }>;
  unpublishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<void>;
}

/** Options of the reconciler. */
export interface ReconcilerOptions {
  dsw: DesiredStateOfWorld;
  asw: ActualStateOfWorld;
  drivers: VolumePublisher;
  rootDir: string;
  logger: Logger;
  /** Called for a pod whose volumes became ready, or whose mount error changed. */
  onPodChanged(podUid: string): void;
}

/** Serialized, event-triggered reconciliation with retry backoff. */
export class VolumeReconciler {
  /** Last setUp/tearDown error per pod. */
  readonly mountErrors = new Map<string, string>();
  private running = false;
  private again = false;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = 500;
  private stopped = false;

  constructor(private readonly o: ReconcilerOptions) {}

  /** Asks for a reconcile; coalesces requests made while one runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** Resolves when no reconcile is running or pending (tests). */
  async idle(): Promise<void> {
    while (this.running || this.again) await new Promise((r) => setTimeout(r, 5));
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
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
    }
    if (failed && !this.stopped) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.kick(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    } else this.retryMs = 500;
  }

  /** One pass; returns true when something failed and should be retried. */
  private async once(): Promise<boolean> {
    const { dsw, asw, drivers, rootDir, logger } = this.o;
    let failed = false;
    // Tear down what no pod needs any more.
    for (const { pv, podUid, readOnly } of asw.pairs()) {
      const name = pv.metadata.name ?? '';
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
    for (const pod of dsw.allPods()) {
      let podError: string | undefined;
      let mountedSomething = false;
      for (const v of pod.volumes) {
        if (!v.pv) continue;
        const name = v.pv.metadata.name ?? '';
        if (asw.isMounted(name, pod.podUid)) continue;
        try {
          const { hostPath } = await drivers.publishVolume(v.pv, { podUid: pod.podUid, rootDir, readOnly: v.readOnly });
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
    return failed;
  }
}
