/**
 * Desired state of world: for every pod the kubelet should run, the volumes it needs — each PVC
 * resolved to its bound PV, or the reason it cannot be (claim missing, not bound yet, being
 * deleted, PV missing). Written only by the populator.
 */
import type { PersistentVolume } from '../../api/core/v1';
import type { Stored } from '../../api/stored';

/** One PVC volume of a pod, resolved (pv) or not (error). */
export interface DesiredVolume {
  /** The pod's volume name (spec.volumes[].name). */
  volumeName: string;
  claimKey: string;
  readOnly: boolean;
  pv?: Stored<PersistentVolume, 'Cluster'>;
  /** Why the volume cannot be mounted yet (shown as a FailedMount event). */
  error?: string;
}

/** A pod's desired volumes. */
export interface DesiredPod {
  podUid: string;
  podKey: string;
  volumes: DesiredVolume[];
}

/** The desired state: pods by uid. */
export class DesiredStateOfWorld {
  private readonly pods = new Map<string, DesiredPod>();

  /** Sets (replaces) a pod's desired volumes. */
  setPod(p: DesiredPod): void {
    this.pods.set(p.podUid, p);
  }

  /** The pod no longer needs any volume. */
  deletePod(podUid: string): void {
    this.pods.delete(podUid);
  }

  getPod(podUid: string): DesiredPod | undefined {
    return this.pods.get(podUid);
  }

  /** Every pod. */
  allPods(): DesiredPod[] {
    return [...this.pods.values()];
  }

  /** True when some pod wants PV `pvName` mounted for pod `podUid`. */
  wants(pvName: string, podUid: string): boolean {
    return this.pods.get(podUid)?.volumes.some((v) => v.pv?.metadata.name === pvName) ?? false;
  }
}
