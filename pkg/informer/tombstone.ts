/**
 * Tombstones: what an onDelete handler gets when an object vanished while the informer was not
 * watching (it was found missing by a relist), so the deletion itself was never seen.
 */
import type { KubeObject } from '../api/meta';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { objectKey } from '../api/keys';

/**
 * An object that was deleted at some unknown point: `obj` is the last state the cache knew,
 * which may be stale; `key` is the cache key it was stored under.
 */
export class DeletedFinalStateUnknown<T> {
  constructor(
    readonly key: string,
    readonly obj: DeepReadonly<T>,
  ) {}
}

/** True when `x` is a tombstone rather than an object. */
export function isDeletedFinalStateUnknown<T>(
  x: DeepReadonly<T> | DeletedFinalStateUnknown<T>,
): x is DeletedFinalStateUnknown<T> {
  return x instanceof DeletedFinalStateUnknown;
}

/** The object an onDelete handler was given: the tombstone's last known state, or the object. */
export function unwrapTombstone<T>(x: DeepReadonly<T> | DeletedFinalStateUnknown<T>): DeepReadonly<T> {
  return x instanceof DeletedFinalStateUnknown ? x.obj : x;
}

/**
 * The cache key of what an onDelete handler was given (client-go's
 * DeletionHandlingMetaNamespaceKeyFunc): the tombstone's key, or the object's `namespace/name`.
 */
export function deletionHandlingKey<T extends KubeObject>(x: DeepReadonly<T> | DeletedFinalStateUnknown<T>): string {
  return x instanceof DeletedFinalStateUnknown ? x.key : objectKey(x as DeepReadonly<KubeObject>);
}
