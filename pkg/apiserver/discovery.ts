/**
 * Discovery documents derived from the resource catalogue: /api (APIVersions), /api/v1 and
 * /apis/<group>/<version> (APIResourceList), /apis (APIGroupList), /apis/<group> (APIGroup).
 */
import {
  allResources as storedResources,
  apiVersionOf,
  reviewResources,
  subresourceVerbs,
  type ResourceInfo,
} from '../api/resources';

const allResources = [...storedResources, ...reviewResources];

/**
 * The discovery entry of a subresource. A scale subresource speaks autoscaling/v1 Scale, and
 * says so with `group`/`version` as kube-apiserver does (kubectl scale reads them).
 */
function subresourceEntry(r: ResourceInfo, sub: string) {
  const verbs = [...subresourceVerbs(sub)];
  const name = `${r.resource}/${sub}`;
  if (sub === 'scale')
    return {
      name,
      singularName: '',
      namespaced: r.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs,
    };
  const kind = subresourceKinds[sub] ?? r.kind;
  return { name, singularName: '', namespaced: r.namespaced, kind, verbs };
}

/** The kinds discovery names for subresources (others: the resource's own kind). */
const subresourceKinds: Readonly<Record<string, string>> = Object.assign(
  Object.create(null) as Record<string, string>,
  {
    binding: 'Binding',
    log: 'Pod',
    exec: 'PodExecOptions',
    attach: 'PodAttachOptions',
    portforward: 'PodPortForwardOptions',
  },
);

/** APIResourceList for one group version. */
export function resourceList(group: string, version: string, extra: readonly ResourceInfo[] = []) {
  const rs = [...allResources, ...extra].filter((r) => r.group === group && r.version === version);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: rs.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        shortNames: [...r.shortNames],
        ...(r.categories ? { categories: [...r.categories] } : {}),
        storageVersionHash: '',
      },
      ...r.subresources.map((s) => subresourceEntry(r, s)),
    ]),
  };
}

/** The /api document. */
export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string, extra: readonly ResourceInfo[]) {
  const versions = [...new Set([...allResources, ...extra].filter((r) => r.group === group).map((r) => r.version))];
  const gv = versions.map((v) => ({ groupVersion: apiVersionOf({ group, version: v }), version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: gv, preferredVersion: gv[0] };
}

/** The named groups served under /apis. */
export const apiGroups = [...new Set(allResources.map((r) => r.group).filter((g) => g !== ''))];

/** The named groups of the built-ins plus `extra` (custom resources), in order. */
function groupsWith(extra: readonly ResourceInfo[]): string[] {
  return [...new Set([...apiGroups, ...extra.map((r) => r.group)])];
}

/** The /apis document; `extra` are the custom resources being served. */
export function groupList(extra: readonly ResourceInfo[] = []) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsWith(extra).map((g) => groupDoc(g, extra)) };
}

/** The /apis/<group> document, or undefined for an unknown group. */
export function group(name: string, extra: readonly ResourceInfo[] = []) {
  return groupsWith(extra).includes(name) ? groupDoc(name, extra) : undefined;
}
