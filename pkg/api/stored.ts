/**
 * Objects as the apiserver stores and returns them.
 *
 * What a client sends may lack almost any metadata; what comes back from the apiserver (a get,
 * list, watch event or write result) and what an informer caches never does: the apiserver
 * names every object (generateName resolved), puts a namespaced object in a namespace (the
 * request's, the object's own, or `default`), stamps a uid on create and sets resourceVersion
 * to the etcd revision on every read. `Stored<T>` says so in the type, so code reading such
 * objects needs no `?? ''` fallbacks for fields that are never missing.
 *
 * Only code that really got the object from storage may claim it is Stored: the REST client
 * (the apiserver's responses), the informer caches fed by it, the registry store's reads, and
 * test fakes that stamp the same fields. Client input, objects being built, and dry-run results
 * (which have no resourceVersion) stay plain `T`.
 */
import type { KubeObject, ObjectMeta } from './meta';

/** Where objects of a resource live (a CustomResourceDefinition's `spec.scope`). */
export const Scope = {
  Namespaced: 'Namespaced',
  Cluster: 'Cluster',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** `true` for namespaced scopes, `false` for cluster-scoped ones (`boolean` when either). */
export type IsNamespaced<S extends Scope> = S extends typeof Scope.Namespaced ? true : false;

/**
 * The metadata every stored object has: a name, a uid and a resourceVersion; for a namespaced
 * resource also a namespace. With `S` left open (either scope) the namespace stays optional.
 */
export type StoredMeta<S extends Scope = Scope> = ObjectMeta & {
  name: string;
  uid: string;
  resourceVersion: string;
} & (S extends typeof Scope.Namespaced ? { namespace: string } : unknown);

/** `T` as the apiserver returns it: see the file comment; `S` is the resource's scope. */
export type Stored<T extends KubeObject, S extends Scope = Scope> = T & { metadata: StoredMeta<S> };
