/** Precondition checks shared by every Storage implementation. */
import type { KubeObject } from '../api/meta';
import { jsonEqual } from '../util/json/equal';
import { StorageError, StorageErrorCode } from './errors';
import type { Preconditions } from './interfaces';

/** Throws PreconditionFailed when `obj` does not satisfy `pre`. */
export function checkPreconditions(key: string, obj: KubeObject, pre?: Preconditions): void {
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw new StorageError(
      StorageErrorCode.PreconditionFailed,
      key,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw new StorageError(
      StorageErrorCode.PreconditionFailed,
      key,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
    );
  }
}

/** The object without its resourceVersion, to compare contents. */
function withoutResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * True when storing `next` would store exactly `cur` again: equal contents ignoring
 * resourceVersion, key order and what JSON encoding drops (undefined-valued fields), so such
 * an update is a no-op.
 */
export function sameStoredContent(next: KubeObject, cur: KubeObject): boolean {
  return jsonEqual(withoutResourceVersion(next), withoutResourceVersion(cur));
}
