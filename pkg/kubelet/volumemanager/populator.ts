/**
 * The desired-state populator: resolves a pod's PVC volumes through the claim and PV caches
 * (PVC → bound PV), recording why a volume cannot be mounted yet (or ever: a Block volume). Level-based: called whenever a
 * pod, or a claim or PV a pod uses, changes.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { DesiredPod, DesiredVolume } from './desired_state';
import { jsonClone } from '../../util/json/clone';
import { namespacedKey, objectKey } from '../../api/keys';

/** The cache lookups the populator needs (of claims and volumes as the apiserver stored them). */
export interface VolumeListers {
  claim(key: string): DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>> | undefined;
  volume(name: string): DeepReadonly<Stored<PersistentVolume, 'Cluster'>> | undefined;
}

/** Resolves every PVC volume of a pod. */
export function desiredPod(pod: DeepReadonly<Stored<Pod, 'Namespaced'>>, l: VolumeListers): DesiredPod {
  const ns = pod.metadata.namespace;
  const volumes: DesiredVolume[] = [];
  for (const vol of pod.spec.volumes ?? []) {
    const src = vol.persistentVolumeClaim;
    if (!src) continue;
    const claimKey = namespacedKey(ns, src.claimName);
    const mountedReadOnly = pod.spec.containers.every((c) =>
      (c.volumeMounts ?? []).filter((m) => m.name === vol.name).every((m) => m.readOnly === true),
    );
    const used = pod.spec.containers.some((c) => (c.volumeMounts ?? []).some((m) => m.name === vol.name));
    const base = { volumeName: vol.name, claimKey, readOnly: src.readOnly === true || (used && mountedReadOnly) };
    const claim = l.claim(claimKey);
    if (!claim) {
      volumes.push({ ...base, error: `persistentvolumeclaim "${src.claimName}" not found` });
      continue;
    }
    if (claim.metadata.deletionTimestamp) {
      volumes.push({ ...base, error: `persistentvolumeclaim "${src.claimName}" is being deleted` });
      continue;
    }
    if (claim.status?.phase !== 'Bound' || !claim.spec.volumeName) {
      volumes.push({
        ...base,
        error: `persistentvolumeclaim "${src.claimName}" is not bound (phase ${claim.status?.phase ?? 'Pending'})`,
      });
      continue;
    }
    const pv = l.volume(claim.spec.volumeName);
    if (!pv) {
      volumes.push({
        ...base,
        error: `persistentvolume "${claim.spec.volumeName}" bound to claim "${src.claimName}" not found`,
      });
      continue;
    }
    // As Kubernetes' populator: the PV must point back at this very claim (a claim's volumeName
    // alone names any PV, another namespace's included). A claimRef without a uid (set by hand,
    // naming the claim) is accepted; one of another uid is an older claim of that name.
    const ref = pv.spec.claimRef;
    if (
      !ref ||
      (ref.namespace ?? '') !== ns ||
      ref.name !== src.claimName ||
      (ref.uid !== undefined && ref.uid !== '' && ref.uid !== claim.metadata.uid)
    ) {
      volumes.push({
        ...base,
        error: `found persistentvolume "${claim.spec.volumeName}" but its claimRef does not point to claim "${src.claimName}" (uid ${claim.metadata.uid})`,
      });
      continue;
    }
    if (pv.spec.volumeMode === 'Block' || claim.spec.volumeMode === 'Block') {
      // Raw block devices (volumeDevices) are not implemented: say so rather than fail silently.
      volumes.push({
        ...base,
        error: `persistentvolumeclaim "${src.claimName}" has volumeMode Block: block volumes are not supported by this kubelet (only Filesystem volumes can be mounted)`,
      });
      continue;
    }
    volumes.push({ ...base, pv: jsonClone(pv) as Stored<PersistentVolume, 'Cluster'> });
  }
  return { podUid: pod.metadata.uid, podKey: objectKey(pod), volumes };
}
