/**
 * What an update may change: the preconditions (resourceVersion, uid), the server-owned
 * metadata kept from the stored object, the subresource rules (status, scale…), generation and
 * validation. The Store calls it inside its compare-and-swap loop.
 */
import { isDeepStrictEqual } from 'node:util';
import { conflict, notFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { apiVersionOf } from '../../api/resources';
import type { Stored } from '../../api/stored';
import { toStatusError, validateObjectMetaUpdate } from '../../api/validation';
import { keepManagedFieldsOfNoop } from '../patch/managedfields';
import type { Strategy } from './strategy';

/** The update options prepareUpdate reads. */
export interface UpdateTarget {
  /** `status`, `scale`, … or undefined for the main resource. */
  subresource?: string | undefined;
}

/**
 * The object to store when `desired` replaces `cur`: 409 on a stale resourceVersion or another
 * uid, 404 for a subresource the strategy does not serve, 422 when validation fails. The result
 * carries cur's resourceVersion (the compare-and-swap revision).
 */
export function prepareUpdate<T extends KubeObject>(
  strategy: Strategy<T>,
  desired: T,
  cur: Stored<T>,
  opts: UpdateTarget,
): T {
  const info = strategy.info;
  const name = cur.metadata.name;
  const qualified = { group: info.group, resource: info.resource };
  const rv = desired.metadata?.resourceVersion;
  if (rv && rv !== cur.metadata.resourceVersion) {
    throw conflict(
      qualified,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
  if (desired.metadata?.uid && desired.metadata.uid !== cur.metadata.uid) {
    throw conflict(
      qualified,
      name,
      `Precondition failed: UID in precondition: ${desired.metadata.uid}, UID in object meta: ${cur.metadata.uid}`,
    );
  }
  let next: T;
  const sub = opts.subresource;
  if (sub === 'status') {
    next = { ...cur, status: (desired as KubeObject & { status?: unknown }).status };
    if (strategy.prepareForStatusUpdate) next = strategy.prepareForStatusUpdate(next, cur);
    const errs = strategy.validateStatusUpdate(next, cur);
    if (errs.length) throw toStatusError(info.kind, name, errs);
  } else if (sub) {
    const take = strategy.updateSubresources?.[sub];
    if (!take) throw notFound({ resource: `${info.resource}/${sub}` }, name);
    next = take(desired, cur);
    const errs = strategy.validateUpdate(next, cur);
    if (errs.length) throw toStatusError(info.kind, name, errs);
  } else {
    next = mainResourceUpdate(strategy, desired, cur);
  }
  next = keepManagedFieldsOfNoop(next, cur);
  next.metadata.resourceVersion = cur.metadata.resourceVersion;
  return next;
}

/** An update of the main resource: server-owned metadata and status kept, generation bumped. */
function mainResourceUpdate<T extends KubeObject>(strategy: Strategy<T>, desired: T, cur: Stored<T>): T {
  const info = strategy.info;
  const owned = cur.metadata;
  let next: T = {
    ...desired,
    apiVersion: apiVersionOf(info),
    kind: info.kind,
    metadata: {
      ...desired.metadata,
      name: owned.name,
      uid: owned.uid,
      creationTimestamp: owned.creationTimestamp,
      generation: owned.generation,
      ...(info.namespaced ? { namespace: owned.namespace } : {}),
      ...(owned.deletionTimestamp ? { deletionTimestamp: owned.deletionTimestamp } : {}),
      ...(owned.deletionGracePeriodSeconds !== undefined
        ? { deletionGracePeriodSeconds: owned.deletionGracePeriodSeconds }
        : {}),
    },
  };
  if (!next.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
  if (strategy.hasStatus) {
    const status = (cur as KubeObject & { status?: unknown }).status;
    next = { ...next, status };
  }
  next = strategy.prepareForUpdate(next, cur);
  if (!specEqual(next, cur)) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
  const errs = [...validateObjectMetaUpdate(next.metadata, cur.metadata), ...strategy.validateUpdate(next, cur)];
  if (errs.length) throw toStatusError(info.kind, cur.metadata.name, errs);
  return next;
}

/** Everything but metadata and status is "spec" for generation purposes. */
function specEqual(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o as KubeObject & { status?: unknown };
    return rest;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}
