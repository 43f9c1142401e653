/**
 * PVC protection: every claim carries `kubernetes.io/pvc-protection`; a claim being deleted
 * keeps it until no non-terminated pod uses the claim. "No pod uses it" is decided from the pod
 * cache and then confirmed with a live list from the apiserver, so a pod the cache has not
 * seen yet cannot lose its volume.
 */
import type { PersistentVolumeClaim, Pod } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import type { ObjectList } from '../../../api/meta';
import type { Stored } from '../../../api/stored';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type { Reconciler } from '../../../util/reconcile/runner';
import type { Lister } from '../../../util/reconcile/lister';
import { Finalizer, withFinalizer, withoutFinalizer } from './finalizers';
import { namespacedKey, splitKey } from '../../../api/keys';

/** Index of pods by the `namespace/claim` keys of the claims they use. */
export const PodByClaimIndex = 'podByClaim';

/** A pod as the apiserver stored it (so in a namespace). */
type StoredPod = Stored<Pod, 'Namespaced'>;

/** The claim keys a pod uses. */
export function claimKeysOfPod(pod: DeepReadonly<StoredPod>): string[] {
  const ns = pod.metadata.namespace;
  return (pod.spec.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [namespacedKey(ns, v.persistentVolumeClaim.claimName)] : [],
  );
}

/** True while a pod may still use its volumes. */
export function podIsActive(pod: DeepReadonly<Pod>): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** Dependencies of the PVC protection reconciler. */
export interface PvcProtectionDeps {
  claims: Lister<PersistentVolumeClaim>;
  pods: Lister<StoredPod>;
  claimClient: { update(obj: PersistentVolumeClaim): Promise<PersistentVolumeClaim> };
  podClient: { list(namespace?: string): Promise<ObjectList<StoredPod>> };
}

/** Reconciles the protection finalizer of one claim. */
export class PvcProtectionReconciler implements Reconciler {
  constructor(private readonly d: PvcProtectionDeps) {}

  async reconcile(key: string): Promise<void> {
    const claim = this.d.claims.get(key);
    if (!claim) return;
    if (!claim.metadata.deletionTimestamp) {
      const added = withFinalizer<PersistentVolumeClaim>(claim, Finalizer.PVCProtection);
      if (added) await this.update(added);
      return;
    }
    const removed = withoutFinalizer<PersistentVolumeClaim>(claim, Finalizer.PVCProtection);
    if (!removed) return;
    if (this.d.pods.byIndex(PodByClaimIndex, key).some(podIsActive)) return;
    const { namespace } = splitKey(key);
    const live = await this.d.podClient.list(namespace);
    if (live.items.some((p) => podIsActive(p) && claimKeysOfPod(p).includes(key))) return;
    await this.update(removed);
  }

  private async update(claim: PersistentVolumeClaim): Promise<void> {
    try {
      await this.d.claimClient.update(claim);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
