/**
 * The writes the control loop makes for one member (Kubernetes' StatefulPodControl): its claims
 * before its pod, the pod, identity fixes, deletion, and the claims' retention owner
 * references; each write recorded as an event on the set the way Kubernetes words it, and each
 * pod write recorded as an expectation so a lagging cache is not acted on. Claims are created
 * (when missing) and re-owned, never deleted.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { isAlreadyExists, isNotFound } from '../../api/errors';
import { namespacedKey, objectKey } from '../../api/keys';
import type { DeleteOptions } from '../../api/meta';
import type { EventRecorder } from '../../client/record/recorder';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { thaw } from '../../util/reconcile/lister';
import { recordClaimEvent, recordPodEvent } from './events';
import type { PodExpectations } from './expectations';
import { claimsFor, ordinalOf, PodKind, setIdentityLabels } from './identity';
import {
  claimOwnerUpToDate,
  hasStaleOwnerRef,
  hasUnexpectedController,
  retentionPolicy,
  withPolicyOwnerRefs,
} from './retention';
import type { CachedClaim, CachedPod, CachedSet } from './types';

/** The pod calls the controller makes. */
export interface PodClient {
  create(obj: Pod): Promise<Pod>;
  update(obj: Pod): Promise<Pod>;
  delete(name: string, namespace?: string, opts?: DeleteOptions): Promise<unknown>;
}

/** The claim calls the controller makes (no delete: claims are the garbage collector's). */
export interface ClaimClient {
  create(obj: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
  update(obj: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
}

/** Dependencies of StatefulPodControl. */
export interface PodControlDeps {
  pods: PodClient;
  claims: ClaimClient;
  claimLister: { get(key: string): CachedClaim | undefined };
  recorder: EventRecorder;
  expectations: PodExpectations;
}

/** A pod the controller has just created, or one it has read: what retention needs of it. */
type PodRef = DeepReadonly<Pod>;

/** Member writes of one controller. */
export class StatefulPodControl {
  constructor(private readonly d: PodControlDeps) {}

  /**
   * Creates the member's missing claims, then its pod; throws when a claim or the pod failed.
   * A pod of that name that already exists is not the set's (an owned one would be in the
   * cache: expectations cover the lag): AlreadyExists is a FailedCreate and an error, so the
   * set is retried with backoff until the name is free (nothing else enqueues it then).
   */
  async createPod(set: CachedSet, pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.createMissingClaims(set, pod);
    } catch (err) {
      recordPodEvent(this.d.recorder, 'create', set, name, err);
      throw err;
    }
    let created: Pod;
    try {
      created = await this.d.pods.create(pod);
    } catch (err) {
      recordPodEvent(this.d.recorder, 'create', set, name, err);
      throw err;
    }
    this.d.expectations.expectCreate(objectKey(set), objectKey(created));
    // Set the claims' owners as far as possible now that the pod has a uid.
    try {
      await this.syncClaimRetention(set, created);
    } catch (err) {
      recordPodEvent(this.d.recorder, 'update', set, name, err);
      throw err;
    }
    recordPodEvent(this.d.recorder, 'create', set, name);
  }

  /** Creates the claims of `pod`'s ordinal that do not exist; throws if any could not be made or is being deleted. */
  async createMissingClaims(set: CachedSet, pod: PodRef): Promise<void> {
    const errors: string[] = [];
    const podName = pod.metadata.name ?? '';
    for (const { claim } of claimsFor(set, ordinalOf(pod))) {
      const claimName = claim.metadata.name ?? '';
      const existing = this.d.claimLister.get(objectKey(claim));
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claimName} is being deleted`);
        continue;
      }
      try {
        await this.d.claims.create(claim);
        recordClaimEvent(this.d.recorder, 'create', set, podName, claimName);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        errors.push(`failed to create PVC ${claimName}: ${(err as Error).message}`);
        recordClaimEvent(this.d.recorder, 'create', set, podName, claimName, err);
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  /**
   * True when a claim of the (not yet created) pod still belongs to an earlier pod of that name
   * under a whenScaled: Delete policy: the garbage collector is about to delete it, so the pod
   * must wait rather than mount it.
   */
  claimIsStale(set: CachedSet, pod: PodRef): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    return claimsFor(set, ordinalOf(pod)).some(({ claim }) => {
      const existing = this.d.claimLister.get(objectKey(claim));
      return existing !== undefined && hasStaleOwnerRef(existing, pod, PodKind);
    });
  }

  /** Fixes the identity labels of a live pod. */
  async updateIdentity(set: CachedSet, pod: CachedPod): Promise<void> {
    const next = thaw<Pod>(pod);
    setIdentityLabels(next);
    try {
      await this.d.pods.update(next);
    } catch (err) {
      recordPodEvent(this.d.recorder, 'update', set, pod.metadata.name, err);
      throw err;
    }
    recordPodEvent(this.d.recorder, 'update', set, pod.metadata.name);
  }

  /** Deletes a pod (only the pod with this uid); a pod already gone counts as deleted. */
  async deletePod(set: CachedSet, pod: CachedPod): Promise<void> {
    try {
      await this.d.pods.delete(pod.metadata.name, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      recordPodEvent(this.d.recorder, 'delete', set, pod.metadata.name, err);
      throw err;
    }
    this.d.expectations.expectDelete(objectKey(set), objectKey(pod), pod.metadata.uid);
    recordPodEvent(this.d.recorder, 'delete', set, pod.metadata.name);
  }

  /** True when every existing claim of the pod has the owner references the policy wants. */
  claimsMatchRetention(set: CachedSet, pod: PodRef): boolean {
    return claimsFor(set, ordinalOf(pod)).every(({ claim }) => {
      const existing = this.d.claimLister.get(objectKey(claim));
      return existing === undefined || claimOwnerUpToDate(existing, set, pod);
    });
  }

  /** Updates the owner references of the pod's claims to what the retention policy wants. */
  async syncClaimRetention(set: CachedSet, pod: PodRef): Promise<void> {
    const podName = pod.metadata.name ?? '';
    for (const { claim } of claimsFor(set, ordinalOf(pod))) {
      const existing = this.d.claimLister.get(namespacedKey(set.metadata.namespace, claim.metadata.name ?? ''));
      if (!existing) continue; // picked up again once the cache has it
      if (hasUnexpectedController(existing, set, pod))
        recordPodEvent(
          this.d.recorder,
          'update',
          set,
          podName,
          new Error(
            `PersistentVolumeClaim ${existing.metadata.name} has a conflicting OwnerReference that acts as a managing controller, the retention policy is ignored for this claim`,
          ),
        );
      if (claimOwnerUpToDate(existing, set, pod)) continue;
      try {
        await this.d.claims.update(withPolicyOwnerRefs(existing, set, pod));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw new Error(
          `could not update claim ${existing.metadata.name} for delete policy ownerRefs: ${(err as Error).message}`,
        );
      }
    }
  }
}
