/**
 * The shapes the StatefulSet controller works on: cached objects (read-only, as the listers hand
 * them out) and a member slot of a set — one ordinal with either its live pod or the pod the
 * controller would create for it.
 */
import type { ControllerRevision, StatefulSet } from '../../api/apps/v1';
import type { PersistentVolumeClaim, Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';

/** A StatefulSet as the cache holds it. */
export type CachedSet = DeepReadonly<Stored<StatefulSet, 'Namespaced'>>;
/** A pod as the cache holds it. */
export type CachedPod = DeepReadonly<Stored<Pod, 'Namespaced'>>;
/** A claim as the cache holds it. */
export type CachedClaim = DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>>;
/** A ControllerRevision as the cache (or the apiserver) holds it. */
export type CachedRevision = DeepReadonly<Stored<ControllerRevision, 'Namespaced'>>;

/** One ordinal of a set: its live pod, or (created: false) the pod it would get. */
export type Member =
  | { readonly ordinal: number; readonly created: true; readonly pod: CachedPod }
  | { readonly ordinal: number; readonly created: false; readonly pod: DeepReadonly<Pod> };

/** What the control loop needs to know of a set besides its spec. */
export interface SetRevisions {
  current: CachedRevision;
  update: CachedRevision;
  collisionCount: number;
}
