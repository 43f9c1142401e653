/**
 * The kubelet's volume manager, after Kubernetes': a desired state of world (what pods need),
 * an actual state of world (what is set up), a populator (pods + claim/PV caches → desired
 * state) and a reconciler (desired vs actual → publish/unpublish through the volume drivers).
 *
 * The pod worker asks `volumesFor(pod)`: either every PVC volume is mounted (with its host path
 * for the Docker bind) or the reason it is not (→ ContainerCreating + FailedMount). Whenever
 * that answer may have changed — a claim binds, a PV appears, a mount finishes or fails — the
 * manager calls `onPodChanged`, so the worker re-syncs the pod by itself: no polling.
 */
import type { Logger } from 'pino';
import type { Node, Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { quantityValue, tryParseQuantity } from '../../api/quantity';
import type { MountedClaimVolume } from '../volumestats/collector';
import { ActualStateOfWorld } from './actual_state';
import { DesiredStateOfWorld } from './desired_state';
import { desiredPod, type VolumeListers } from './populator';
import type { NodeExpander } from './node_expander';
import { VolumeReconciler, type VolumePublisher } from './reconciler';

/** A pod as the apiserver stored it. */
type StoredPod = Stored<Pod, 'Namespaced'>;

/** A mounted volume ready for a Docker bind. */
export interface ReadyVolume {
  hostPath: string;
  readOnly: boolean;
}

/**
 * The answer to "can this pod's containers start?" `pending` means nothing failed: a mount is
 * still in progress, so the pod waits without a FailedMount event.
 */
export type PodVolumes =
  | { ready: true; volumes: Map<string, ReadyVolume> }
  | { ready: false; reason: string; pending?: boolean };

/** Options of the volume manager. */
export interface VolumeManagerOptions {
  drivers: VolumePublisher;
  rootDir: string;
  /** The kubelet's own Node object (volumes are published only on a node their nodeAffinity admits). */
  node(): DeepReadonly<Node> | undefined;
  listers: VolumeListers;
  logger: Logger;
  onPodChanged(podUid: string): void;
  /** Finishes node-side expansions of mounted volumes (absent: none are). */
  expander?: NodeExpander;
}

/** The volume manager façade used by the kubelet. */
export class VolumeManager {
  private readonly dsw = new DesiredStateOfWorld();
  private readonly asw = new ActualStateOfWorld();
  private readonly reconciler: VolumeReconciler;
  private readonly pods = new Map<string, StoredPod>();

  constructor(private readonly o: VolumeManagerOptions) {
    this.reconciler = new VolumeReconciler({
      dsw: this.dsw,
      asw: this.asw,
      drivers: o.drivers,
      rootDir: o.rootDir,
      node: o.node,
      logger: o.logger,
      onPodChanged: o.onPodChanged,
      ...(o.expander ? { expansion: { expander: o.expander, claim: (key: string) => o.listers.claim(key) } } : {}),
    });
  }

  /** A pod that should run here (added or changed): resolve and mount its volumes. */
  setPod(pod: StoredPod): void {
    const uid = pod.metadata.uid;
    this.pods.set(uid, pod);
    this.dsw.setPod(desiredPod(pod, this.o.listers));
    this.reconciler.kick();
  }

  /** A pod that no longer runs here: its volumes are torn down when no other pod needs them. */
  removePod(podUid: string): void {
    this.pods.delete(podUid);
    this.dsw.deletePod(podUid);
    this.reconciler.kick();
  }

  /** A claim or PV changed: re-resolve every pod that uses it. */
  refresh(filter: (pod: StoredPod) => boolean): void {
    let changed = false;
    for (const [uid, pod] of this.pods) {
      if (!filter(pod)) continue;
      const before = JSON.stringify(this.dsw.getPod(uid));
      const next = desiredPod(pod, this.o.listers);
      if (JSON.stringify(next) === before) continue;
      this.dsw.setPod(next);
      changed = true;
      this.o.onPodChanged(uid);
    }
    if (changed) this.reconciler.kick();
  }

  /** Whether the pod's containers may start, with the host path of each PVC volume. */
  volumesFor(pod: StoredPod): PodVolumes {
    const uid = pod.metadata.uid;
    const desired = this.dsw.getPod(uid);
    if (!desired)
      return { ready: false, reason: 'volumes of the pod are not known to the volume manager yet', pending: true };
    const unresolved = desired.volumes.find((v) => v.error);
    if (unresolved?.error)
      return {
        ready: false,
        reason: `Unable to attach or mount volumes: volume "${unresolved.volumeName}": ${unresolved.error}`,
      };
    const mountError = this.reconciler.mountErrors.get(uid);
    if (mountError) return { ready: false, reason: mountError };
    const volumes = new Map<string, ReadyVolume>();
    for (const v of desired.volumes) {
      const hostPath = v.pv && this.asw.hostPath(v.pv.metadata.name);
      if (!v.pv || !hostPath || !this.asw.isMounted(v.pv.metadata.name, uid))
        return { ready: false, reason: `waiting for volume "${v.volumeName}" to be mounted`, pending: true };
      volumes.set(v.volumeName, { hostPath, readOnly: v.readOnly });
    }
    return { ready: true, volumes };
  }

  /** Every claim volume mounted now, with its pod, claim, PV and host directory (volume stats). */
  mountedClaimVolumes(): MountedClaimVolume[] {
    const out: MountedClaimVolume[] = [];
    for (const [uid, pod] of this.pods) {
      for (const v of this.dsw.getPod(uid)?.volumes ?? []) {
        const pv = v.pv;
        const hostPath = pv && this.asw.hostPath(pv.metadata.name);
        if (!pv || !hostPath || !this.asw.isMounted(pv.metadata.name, uid)) continue;
        const [claimNamespace = '', claimName = ''] = v.claimKey.split('/');
        const capacity = tryParseQuantity(pv.spec.capacity?.storage);
        const claimUid = pv.spec.claimRef?.uid;
        out.push({
          pod: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid },
          volumeName: v.volumeName,
          claim: { namespace: claimNamespace, name: claimName, ...(claimUid ? { uid: claimUid } : {}) },
          pvName: pv.metadata.name,
          ...(capacity ? { pvCapacityBytes: Number(quantityValue(capacity)) } : {}),
          hostPath,
        });
      }
    }
    return out;
  }

  /** True when nothing is mounted for the pod any more. */
  podVolumesTornDown(podUid: string): boolean {
    return !this.asw.pairs().some((p) => p.podUid === podUid);
  }

  /** Resolves when the reconciler is idle (tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.reconciler.idle();
  }

  stop(): void {
    this.reconciler.stop();
  }
}
