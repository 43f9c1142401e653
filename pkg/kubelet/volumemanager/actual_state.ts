/**
 * Actual state of world: which PVs are set up on this node, at which host path, for which pods.
 * Written only by the reconciler (and by reconstruction after a restart).
 */
import type { PersistentVolume } from '../../api/core/v1';
import type { Stored } from '../../api/stored';

type StoredVolume = Stored<PersistentVolume, 'Cluster'>;

/** A PV set up on this node. */
export interface MountedVolume {
  pv: StoredVolume;
  hostPath: string;
  /** podUid → read-only for that pod. */
  pods: Map<string, boolean>;
}

/** The actual state: mounted PVs by name. */
export class ActualStateOfWorld {
  private readonly volumes = new Map<string, MountedVolume>();

  markMounted(pv: StoredVolume, podUid: string, hostPath: string, readOnly: boolean): void {
    const name = pv.metadata.name;
    const v = this.volumes.get(name) ?? { pv, hostPath, pods: new Map<string, boolean>() };
    v.hostPath = hostPath;
    v.pods.set(podUid, readOnly);
    this.volumes.set(name, v);
  }

  markUnmounted(pvName: string, podUid: string): void {
    const v = this.volumes.get(pvName);
    if (!v) return;
    v.pods.delete(podUid);
    if (v.pods.size === 0) this.volumes.delete(pvName);
  }

  isMounted(pvName: string, podUid: string): boolean {
    return this.volumes.get(pvName)?.pods.has(podUid) ?? false;
  }

  hostPath(pvName: string): string | undefined {
    return this.volumes.get(pvName)?.hostPath;
  }

  /** Every (pv, pod) pair that is mounted. */
  pairs(): { pv: StoredVolume; podUid: string; readOnly: boolean }[] {
    return [...this.volumes.values()].flatMap((v) =>
      [...v.pods].map(([podUid, readOnly]) => ({ pv: v.pv, podUid, readOnly })),
    );
  }
}
