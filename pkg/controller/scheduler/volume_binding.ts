/**
 * The scheduler's volume decisions (Kubernetes' VolumeBinding and VolumeRestrictions plugins).
 *
 * Pre-filter (once per pod): every claim the pod names must exist, not be being deleted and not
 * be Lost; a claim of an Immediate class must already be bound; a ReadWriteOncePod claim must
 * not be used by another live pod. Each failure holds for every node, so it is one message.
 *
 * Filter (per node):
 *   bound claim                 → its PV exists and its node affinity admits the node
 *   unbound WaitForFirstConsumer claim ─┬─ selected-node set → only that node (the binder is at work)
 *                                       ├─ a matching Available PV admitting the node (the
 *                                       │  binder's own matching: class, type, capacity, access
 *                                       │  and volume modes, selector), not taken by another
 *                                       │  claim of the same pod
 *                                       └─ else the class can provision there: any provisioner
 *                                          but kubernetes.io/no-provisioner, within allowedTopologies
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { PersistentVolumeClaimPhase } from '../../api/core/v1';
import { namespacedKey } from '../../api/keys';
import { nodeMatchesAffinity, topologyAllows } from '../../api/node_affinity';
import { tryParseQuantity } from '../../api/quantity';
import type { Stored } from '../../api/stored';
import { NoProvisioner, type StorageClass } from '../../api/storage/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { Annotation } from '../volume/persistentvolume/constants';
import { isDelayBinding, selectedNodeOf } from '../volume/persistentvolume/delay_binding';
import type { VolumeIndex } from '../volume/persistentvolume/volume_index';
import { NodeReason, unboundImmediateMessage } from './reasons';

type Claim = DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>>;
type RNode = DeepReadonly<Node>;

/** What the volume decisions read (the scheduler's caches, with its own not-yet-seen writes). */
export interface VolumeView {
  claim(key: string): Claim | undefined;
  volume(name: string): DeepReadonly<Stored<PersistentVolume, 'Cluster'>> | undefined;
  storageClass(name: string): DeepReadonly<StorageClass> | undefined;
  /** Unbound PVs, grouped and sorted as the binder's index (the scheduler keeps its own). */
  index: VolumeIndex;
  /** The storage type a class provisions (the driver registry's answer). */
  classType(className: string, sc: DeepReadonly<StorageClass> | undefined): string | undefined;
  /** Keys of live pods other than `podKey` that use the claim and are on (or assumed on) a node. */
  claimUsers(claimKey: string, podKey: string): string[];
}

/** The pod's claims, sorted as the filter needs them. */
export interface PodClaims {
  /** Fully bound (volumeName and bind-completed). */
  bound: Claim[];
  /** Unbound claims of WaitForFirstConsumer classes, smallest request first. */
  delayed: Claim[];
  /** A ReadWriteOncePod claim of the pod is used by another live pod (VolumeRestrictions fails every node). */
  readWriteOncePodConflict: boolean;
}

/** Claim keys the pod names (`namespace/claim`), in volume order, without repeats. */
export function podClaimKeys(pod: DeepReadonly<Pod>): string[] {
  const keys = (pod.spec.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim?.claimName
      ? [namespacedKey(pod.metadata.namespace, v.persistentVolumeClaim.claimName)]
      : [],
  );
  return [...new Set(keys)];
}

function fullyBound(c: Claim): boolean {
  return !!c.spec.volumeName && c.metadata.annotations?.[Annotation.BindCompleted] !== undefined;
}

function requestOf(c: Claim): bigint {
  return tryParseQuantity(c.spec.resources?.requests?.storage)?.milli ?? 0n;
}

/** The pre-filter: the pod's claims sorted, or the one message that keeps the pod off every node. */
export function preFilterVolumes(
  pod: DeepReadonly<Stored<Pod, 'Namespaced'>>,
  view: VolumeView,
): { claims: PodClaims } | { message: string } {
  const claims: Claim[] = [];
  for (const key of podClaimKeys(pod)) {
    const c = view.claim(key);
    const name = key.slice(key.indexOf('/') + 1);
    if (!c) return { message: `persistentvolumeclaim "${name}" not found` };
    if (c.status?.phase === PersistentVolumeClaimPhase.Lost)
      return {
        message: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${c.spec.volumeName ?? ''}"`,
      };
    if (c.metadata.deletionTimestamp) return { message: `persistentvolumeclaim "${name}" is being deleted` };
    claims.push(c);
  }
  const podKey = namespacedKey(pod.metadata.namespace, pod.metadata.name);
  const bound: Claim[] = [];
  const delayed: Claim[] = [];
  let rwopConflict = false;
  for (const c of claims) {
    if ((c.spec.accessModes ?? []).includes('ReadWriteOncePod')) {
      const key = namespacedKey(c.metadata.namespace, c.metadata.name);
      if (view.claimUsers(key, podKey).length > 0) rwopConflict = true;
    }
    if (fullyBound(c)) bound.push(c);
    else if (!c.spec.volumeName && isDelayBinding(view.storageClass(c.spec.storageClassName ?? ''))) delayed.push(c);
    else return { message: unboundImmediateMessage };
  }
  delayed.sort((a, b) => (requestOf(a) < requestOf(b) ? -1 : requestOf(a) > requestOf(b) ? 1 : 0));
  return { claims: { bound, delayed, readWriteOncePodConflict: rwopConflict } };
}

/** What one node offers the pod's unbound claims: PVs to bind and claims to provision, or why not. */
export function filterVolumes(claims: PodClaims, node: RNode, view: VolumeView): NodeReason[] {
  if (claims.readWriteOncePodConflict) return [NodeReason.ReadWriteOncePodConflict];
  const reasons: NodeReason[] = [];
  for (const c of claims.bound) {
    const pv = view.volume(c.spec.volumeName ?? '');
    if (!pv) return [NodeReason.VolumeNotExist];
    if (!nodeMatchesAffinity(node, pv.spec.nodeAffinity)) {
      reasons.push(NodeReason.VolumeNodeConflict);
      break;
    }
  }
  const chosen = new Set<string>();
  for (const c of claims.delayed) {
    const selected = selectedNodeOf(c);
    if (selected !== undefined) {
      if (selected !== node.metadata.name) return [...reasons, NodeReason.VolumeBindConflict];
      continue;
    }
    const className = c.spec.storageClassName ?? '';
    const sc = view.storageClass(className);
    const key = namespacedKey(c.metadata.namespace, c.metadata.name);
    const pv = view.index.findBestMatch(
      c,
      view.classType(className, sc),
      key,
      (v) => !chosen.has(v.metadata.name) && nodeMatchesAffinity(node, v.spec.nodeAffinity),
    );
    if (pv) {
      chosen.add(pv.metadata.name);
      continue;
    }
    if (!sc?.provisioner || sc.provisioner === NoProvisioner || !topologyAllows(sc.allowedTopologies, node)) {
      reasons.push(NodeReason.VolumeBindConflict);
      break;
    }
  }
  return reasons;
}
