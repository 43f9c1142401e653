/**
 * The resources the garbage collector watches and the owner kinds it can resolve: every stored
 * resource that can be listed, watched and deleted, except events (as kube's GC ignores them:
 * they churn and own nothing). An ownerReference is resolved by its apiVersion and kind to one of
 * them; one that names no served kind cannot be looked up and is ignored.
 */
import { allResources, apiVersionOf, type ResourceInfo } from '../../api/resources';

/** Resources the collector leaves out however their verbs look (kube's DefaultIgnoredResources). */
const ignored: readonly (readonly [string, string])[] = [
  ['', 'events'],
  ['events.k8s.io', 'events'],
];

/** True for a resource the collector watches. */
export function collectable(r: ResourceInfo): boolean {
  return (
    ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v)) &&
    !ignored.some(([group, resource]) => r.group === group && r.resource === resource)
  );
}

/** The resources the collector watches, out of `all` (default: every resource this project serves). */
export function collectableResources(all: readonly ResourceInfo[] = allResources): ResourceInfo[] {
  return all.filter(collectable);
}

/** Maps an ownerReference's apiVersion and kind to its resource (a Map: kinds are client-chosen strings). */
export class KindResolver {
  private readonly byKind = new Map<string, ResourceInfo>();

  constructor(resources: readonly ResourceInfo[]) {
    for (const r of resources) this.byKind.set(`${apiVersionOf(r)}\n${r.kind}`, r);
  }

  /** The resource of `apiVersion` `kind`, or undefined when none is served. */
  resolve(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.byKind.get(`${apiVersion}\n${kind}`);
  }
}
