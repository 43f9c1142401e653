/**
 * Object keys, computed in one place.
 *
 * - Cache and queue keys (client-go's MetaNamespaceKeyFunc): `namespace/name` for namespaced
 *   objects, `name` for cluster-scoped ones. Informer caches, work queues, indexes and the
 *   fake recorder all key objects this way, so a key computed anywhere finds the same object.
 * - Storage keys (etcd): `<prefix>/<resource>/<namespace>/<name>`, or
 *   `<prefix>/<resource>/<name>` for cluster-scoped resources, as kube-apiserver lays them out.
 *
 * A valid object name never contains `/` (names are DNS subdomains, labels or path segments,
 * and validation rejects `/`), and neither does a namespace, so splitting a key at its first `/`
 * gives back the namespace and name it was made from.
 */

/** The namespace a namespaced object lands in when neither its request nor its metadata names one. */
export const DefaultNamespace = 'default';

/**
 * The namespace an Event about an object lives in: the object's own, or the default namespace
 * for a cluster-scoped object (as client-go's recorder files them).
 */
export function eventNamespace(involvedNamespace: string | undefined): string {
  return involvedNamespace ?? DefaultNamespace;
}

/** What a key is computed from (mutable and read-only objects alike). */
export interface KeyedObject {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
}

/** `namespace/name`, or `name` alone when `namespace` is undefined or empty (cluster-scoped). */
export function namespacedKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The cache key of an object: `namespace/name`, or `name` when it has no namespace
 * (client-go's MetaNamespaceKeyFunc). A missing name counts as '' (an object not stored yet).
 */
export function objectKey(obj: KeyedObject): string {
  return namespacedKey(obj.metadata.namespace, obj.metadata.name ?? '');
}

/**
 * Splits a cache key at its first `/` (client-go's SplitMetaNamespaceKey): `namespace/name`
 * gives both, a key without `/` is a cluster-scoped name.
 */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * The namespace and name of the claim an object reference (a PV's `claimRef`) names. A
 * reference without a namespace means the default namespace, as the binder has always read it
 * (validation makes a stored PV's claimRef name both, so the fallbacks only matter for
 * unvalidated input).
 */
export function claimRefTarget(ref: { readonly namespace?: string; readonly name?: string }): {
  namespace: string;
  name: string;
} {
  return { namespace: ref.namespace ?? DefaultNamespace, name: ref.name ?? '' };
}

/** The cache key of the claim a PV's `claimRef` names (see claimRefTarget): always `namespace/name`. */
export function claimRefKey(ref: { readonly namespace?: string; readonly name?: string }): string {
  const { namespace, name } = claimRefTarget(ref);
  return `${namespace}/${name}`;
}

/** The etcd key prefix of one resource, `<prefix>/<resource>/` (a trailing `/` of `prefix` is dropped). */
export function storagePrefix(prefix: string, resource: string): string {
  return `${prefix.replace(/\/$/, '')}/${resource}/`;
}

/**
 * The etcd key of one object below its resource's `resourcePrefix` (see storagePrefix):
 * `<namespace>/<name>` for namespaced resources, `<name>` for cluster-scoped ones.
 */
export function storageKey(
  resourcePrefix: string,
  namespaced: boolean,
  namespace: string | undefined,
  name: string,
): string {
  return namespaced ? `${resourcePrefix}${namespace ?? ''}/${name}` : `${resourcePrefix}${name}`;
}

/**
 * The prefix a list of one namespace reads below `resourcePrefix` (`<namespace>/`); the whole
 * resource when `namespace` is undefined or empty, or the resource is cluster-scoped.
 */
export function storageListPrefix(resourcePrefix: string, namespaced: boolean, namespace: string | undefined): string {
  return namespaced && namespace ? `${resourcePrefix}${namespace}/` : resourcePrefix;
}

/** The etcd key of a stored object, from its own metadata (what a watch of `resourcePrefix` reports it under). */
export function storageKeyOf(resourcePrefix: string, obj: KeyedObject): string {
  return `${resourcePrefix}${objectKey(obj)}`;
}
