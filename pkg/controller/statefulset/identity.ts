/**
 * The stable identity of a StatefulSet's members (Kubernetes' stateful_set_utils): pod names
 * `<set>-<ordinal>`, claim names `<template>-<set>-<ordinal>`, the labels that name a pod and
 * its revision, its claims' volumes, and the controller reference to the set. Pure functions.
 */
import {
  ControllerRevisionHashLabel,
  PodIndexLabel,
  StatefulSetPodNameLabel,
  type StatefulSet,
} from '../../api/apps/v1';
import type { PersistentVolumeClaim, Pod, Volume } from '../../api/core/v1';
import type { KubeObject, OwnerReference, StringMap } from '../../api/meta';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { getOwn, setOwn } from '../../util/json/own';
import { thaw } from '../../util/reconcile/lister';

/** The group/version and kind of an owner the controller references. */
export interface OwnerKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** apps/v1 StatefulSet, as owner references name it. */
export const StatefulSetKind: OwnerKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
/** v1 Pod, as owner references name it. */
export const PodKind: OwnerKind = { apiVersion: 'v1', kind: 'Pod' };

type ReadSet = DeepReadonly<StatefulSet>;
type ReadObject = DeepReadonly<KubeObject>;

// The ordinal in canonical decimal only: `web-01` would otherwise be a second pod of ordinal 1.
const memberName = /^(.*)-(0|[1-9][0-9]*)$/;

/** The parent name and ordinal a pod name encodes (`web-3` → web, 3; `web-03` → none); ordinal -1 when none. */
export function parentAndOrdinal(name: string | undefined): { parent: string; ordinal: number } {
  const m = memberName.exec(name ?? '');
  if (!m?.[1] || m[2] === undefined) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  // Kubernetes parses a 32-bit integer; anything larger is no ordinal.
  return { parent: m[1], ordinal: ordinal <= 2147483647 ? ordinal : -1 };
}

/** The ordinal of a pod (-1 when its name has none). */
export function ordinalOf(pod: { readonly metadata: { readonly name?: string } }): number {
  return parentAndOrdinal(pod.metadata.name).ordinal;
}

/** True when a pod's name makes it a member of `set`. */
export function isMemberOf(set: ReadSet, pod: ReadObject): boolean {
  return parentAndOrdinal(pod.metadata.name).parent === set.metadata.name;
}

/** The pod name of ordinal `ordinal`. */
export function podName(set: ReadSet, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

/** The claim name of template `template` for ordinal `ordinal`. */
export function claimName(set: ReadSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** spec.replicas (default 1). */
export function replicasOf(set: ReadSet): number {
  return set.spec.replicas ?? 1;
}

/** The first ordinal (spec.ordinals.start, default 0). */
export function startOrdinal(set: ReadSet): number {
  return set.spec.ordinals?.start ?? 0;
}

/** True when `ordinal` is one the set should have now. */
export function inOrdinalRange(set: ReadSet, ordinal: number): boolean {
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + replicasOf(set);
}

/** A controller reference to `owner` (controller and blockOwnerDeletion true). */
export function controllerRefTo(owner: ReadObject, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller reference of an object, if it has one. */
export function controllerRefOf(obj: ReadObject): DeepReadonly<OwnerReference> | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True when `obj`'s controller is a StatefulSet with uid `uid`. */
export function isControlledBy(obj: ReadObject, uid: string | undefined): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === uid && ref.kind === StatefulSetKind.kind;
}

/** A copy of a label map with `extra` merged in (keys as plain data). */
export function mergedLabels(base: DeepReadonly<StringMap> | undefined, extra: DeepReadonly<StringMap> | undefined) {
  const out: StringMap = {};
  for (const [k, v] of Object.entries(base ?? {})) setOwn(out, k, v);
  for (const [k, v] of Object.entries(extra ?? {})) setOwn(out, k, v);
  return out;
}

/** The claims a member at `ordinal` gets, by template name (labels: template's + selector's). */
export function claimsFor(set: ReadSet, ordinal: number): { template: string; claim: PersistentVolumeClaim }[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => {
    const template = t.metadata.name ?? '';
    const claim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, template, ordinal),
        namespace: set.metadata.namespace ?? '',
        labels: mergedLabels(t.metadata.labels, set.spec.selector.matchLabels),
        ...(t.metadata.annotations ? { annotations: mergedLabels(t.metadata.annotations, undefined) } : {}),
      },
      spec: thaw<PersistentVolumeClaim['spec']>(t.spec),
    };
    return { template, claim };
  });
}

/** True when the pod's name and name label say who it is. */
export function identityMatches(set: ReadSet, pod: ReadObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    getOwn(pod.metadata.labels, StatefulSetPodNameLabel) === pod.metadata.name &&
    getOwn(pod.metadata.labels, PodIndexLabel) === String(ordinal)
  );
}

/** True when the pod mounts every claim of its ordinal under its template's name. */
export function storageMatches(set: ReadSet, pod: DeepReadonly<Pod>): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  return claimsFor(set, ordinal).every(({ template, claim }) =>
    (pod.spec.volumes ?? []).some(
      (v) => v.name === template && v.persistentVolumeClaim?.claimName === claim.metadata.name,
    ),
  );
}

/** Sets the identity labels of a (private) pod from its name. */
export function setIdentityLabels(pod: Pod): void {
  const labels = mergedLabels(pod.metadata.labels, undefined);
  setOwn(labels, StatefulSetPodNameLabel, pod.metadata.name ?? '');
  setOwn(labels, PodIndexLabel, String(ordinalOf(pod)));
  pod.metadata.labels = labels;
}

/** The pod of `ordinal` made from `set`'s template (apply the revision first), at `revision`. */
export function newMemberPod(set: ReadSet, ordinal: number, revision: string): Pod {
  const t = set.spec.template;
  const name = podName(set, ordinal);
  const labels = mergedLabels(t.metadata?.labels, undefined);
  setOwn(labels, ControllerRevisionHashLabel, revision);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace ?? '',
      labels,
      ...(t.metadata?.annotations ? { annotations: mergedLabels(t.metadata.annotations, undefined) } : {}),
      ...(t.metadata?.finalizers ? { finalizers: [...t.metadata.finalizers] } : {}),
      ownerReferences: [controllerRefTo(set, StatefulSetKind)],
    },
    spec: thaw<Pod['spec']>(t.spec),
  };
  setIdentityLabels(pod);
  pod.spec.hostname = name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  const claims = claimsFor(set, ordinal);
  const claimVolumes: Volume[] = claims.map(({ template, claim }) => ({
    name: template,
    persistentVolumeClaim: { claimName: claim.metadata.name ?? '' },
  }));
  const others = (pod.spec.volumes ?? []).filter((v) => !claims.some((c) => c.template === v.name));
  if (claimVolumes.length > 0 || pod.spec.volumes) pod.spec.volumes = [...claimVolumes, ...others];
  return pod;
}

/** The revision a pod was made from (its controller-revision-hash label). */
export function revisionOf(pod: ReadObject): string {
  return getOwn<string>(pod.metadata.labels, ControllerRevisionHashLabel) ?? '';
}
