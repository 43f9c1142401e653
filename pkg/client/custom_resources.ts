/**
 * Clients of the custom resources an apiserver serves at the moment, found through discovery
 * (`/apis`, then each group-version not in the static catalogue): what controllers that must
 * reach every resource (the namespace controller) use besides the built-ins.
 */
import type { KubeObject } from '../api/meta';
import { allResources, type ResourceInfo } from '../api/resources';
import { ResourceClient } from './resource_client';
import type { RestClient } from './rest';

interface GroupList {
  groups?: { versions?: { groupVersion?: string; version?: string }[]; name?: string }[];
}

interface ResourceList {
  resources?: {
    name?: string;
    kind?: string;
    namespaced?: boolean;
    singularName?: string;
    shortNames?: string[];
    verbs?: string[];
  }[];
}

const builtinGroups = new Set(allResources.map((r) => r.group));
/** Groups served by the apiserver itself that hold no namespaced objects to clean up. */
const skipped = new Set(['apiextensions.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io']);

/** The ResourceInfos of the custom resources discovery lists (`namespaced` filters when given). */
export async function discoverCustomResources(rest: RestClient, namespaced?: boolean): Promise<ResourceInfo[]> {
  const groups = await rest.request<GroupList>('GET', '/apis');
  const out: ResourceInfo[] = [];
  for (const g of groups.groups ?? []) {
    const group = g.name ?? '';
    if (builtinGroups.has(group) || skipped.has(group)) continue;
    for (const v of g.versions ?? []) {
      const version = v.version ?? '';
      const list = await rest.request<ResourceList>('GET', `/apis/${group}/${version}`);
      for (const r of list.resources ?? []) {
        if (!r.name || r.name.includes('/') || !r.kind) continue;
        if (namespaced !== undefined && r.namespaced !== namespaced) continue;
        out.push({
          group,
          version,
          kind: r.kind,
          listKind: `${r.kind}List`,
          resource: r.name,
          singular: r.singularName ?? r.kind.toLowerCase(),
          namespaced: r.namespaced === true,
          shortNames: r.shortNames ?? [],
          subresources: [],
          verbs: r.verbs ?? [],
        });
      }
    }
  }
  return out;
}

/** Clients of the namespaced custom resources served now (one per group-version-resource). */
export async function customResourceClients(rest: RestClient): Promise<ResourceClient<KubeObject>[]> {
  const infos = await discoverCustomResources(rest, true);
  return infos.map((i) => new ResourceClient<KubeObject>(rest, i));
}
