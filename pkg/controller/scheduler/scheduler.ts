/**
 * The scheduler controller: assigns each pod with no spec.nodeName to a node through
 * pods/binding, as the Kubernetes scheduler's default plugins decide:
 *
 *   pre-filter (volume_binding.ts): every claim exists, is not being deleted or Lost, and is
 *     bound unless its class is WaitForFirstConsumer — otherwise the pod stays Pending
 *     (`persistentvolumeclaim "x" not found`, `pod has unbound immediate PersistentVolumeClaims`);
 *   filter, per node, first failure wins: NodeUnschedulable, not-Ready taints, NodeAffinity (pod
 *     nodeSelector and required node affinity), VolumeRestrictions (ReadWriteOncePod),
 *     VolumeBinding (bound PVs' node affinity; for WaitForFirstConsumer claims a matching
 *     Available PV admitting the node or a class that can provision there);
 *   choose: the fitting node with the fewest pods.
 *
 * A pod that fits nowhere gets a FailedScheduling event worded as Kubernetes words it
 * (reasons.ts) and is looked at again when its claims, PVs, nodes, classes or the pods sharing
 * its claims change (controller.ts), and periodically. A pod with unbound WaitForFirstConsumer
 * claims is not bound at once: the chosen node is written to each claim's
 * `volume.kubernetes.io/selected-node`, the PV controller binds or provisions for that node,
 * and the pod is bound when every claim is bound (Kubernetes' PreBind wait, here a requeue on
 * claim changes). If the binder finds the node impossible it removes the annotation and the
 * pod is scheduled again.
 *
 * Decisions are made synchronously from the caches plus what this scheduler has done and the
 * informers have not shown yet (pods it placed or is placing, claims it annotated), so parallel
 * workers and stale caches never double-book a ReadWriteOncePod claim or pick two nodes for one claim.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { EventType } from '../../api/core/v1';
import { isConflict, isNotFound } from '../../api/errors';
import { objectKey } from '../../api/keys';
import { podMatchesNode } from '../../api/node_affinity';
import type { Stored } from '../../api/stored';
import type { StorageClass } from '../../api/storage/v1';
import type { EventRecorder } from '../../client/record/recorder';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { jsonClone } from '../../util/json/clone';
import type { Lister } from '../../util/reconcile/lister';
import type { Reconciler, Result } from '../../util/reconcile/runner';
import { Annotation } from '../volume/persistentvolume/constants';
import { selectedNodeOf } from '../volume/persistentvolume/delay_binding';
import type { VolumeIndex } from '../volume/persistentvolume/volume_index';
import { fitErrorMessage, NodeReason } from './reasons';
import { PodByClaimIndex, podIsActive } from '../volume/protection/pvc_protection';
import { filterVolumes, podClaimKeys, preFilterVolumes, type VolumeView } from './volume_binding';

/** Index of pods by spec.nodeName. */
export const PodByNodeIndex = 'podByNode';

/** Event reasons of the scheduler. */
export const SchedulerReason = { FailedScheduling: 'FailedScheduling', Scheduled: 'Scheduled' } as const;

/** How often an unschedulable pod is looked at again even when nothing changed. */
export const retryUnschedulableMs = 10_000;
/** How often a pod waiting for its claims to bind on the chosen node is looked at again (claim changes come sooner). */
export const retryWaitingForVolumesMs = 5_000;

type SClaim = Stored<PersistentVolumeClaim, 'Namespaced'>;
type SNode = DeepReadonly<Stored<Node, 'Cluster'>>;

/** Dependencies of the scheduler. */
export interface SchedulerDeps {
  pods: Lister<Stored<Pod, 'Namespaced'>>;
  nodes: { list(): SNode[] };
  claims: Lister<SClaim>;
  volumes: Lister<Stored<PersistentVolume, 'Cluster'>>;
  classes: { get(name: string): DeepReadonly<Stored<StorageClass, 'Cluster'>> | undefined };
  /** The scheduler's own index of unbound PVs (fed by the PV informer; see controller.ts). */
  index: VolumeIndex;
  classType(className: string, sc: DeepReadonly<StorageClass> | undefined): string | undefined;
  bind(namespace: string, name: string, node: string): Promise<void>;
  /** Writes a claim (compare-and-swap on its resourceVersion). */
  updateClaim(claim: SClaim): Promise<SClaim>;
  recorder: EventRecorder;
}

/** True when the node reports Ready and accepts pods. */
export function nodeIsReady(node: DeepReadonly<Node>): boolean {
  return !node.spec?.unschedulable && readiness(node) === 'True';
}

function readiness(node: DeepReadonly<Node>): string | undefined {
  return (node.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
}

/** The first node filter that refuses the pod, before the volume filters (NodeUnschedulable, TaintToleration, NodeAffinity). */
function nodeFilter(pod: DeepReadonly<Pod>, node: SNode): NodeReason | undefined {
  if (node.spec?.unschedulable) return NodeReason.Unschedulable;
  const ready = readiness(node);
  if (ready === 'Unknown') return NodeReason.Unreachable;
  if (ready !== 'True') return NodeReason.NotReady;
  if (!podMatchesNode(pod.spec, node)) return NodeReason.NodeAffinity;
  return undefined;
}

/** A pod this scheduler placed (or is placing) that the pod informer has not shown on its node yet. */
interface Assumed {
  node: string;
  claims: string[];
}

/** Schedules one pod. */
export class SchedulerReconciler implements Reconciler {
  private readonly assumedPods = new Map<string, Assumed>();
  private readonly assumedClaims = new Map<string, SClaim>();
  private readonly view: VolumeView;

  constructor(private readonly d: SchedulerDeps) {
    this.view = {
      claim: (key) => this.claim(key),
      volume: (name) => d.volumes.get(name),
      storageClass: (name) => (name ? d.classes.get(name) : undefined),
      index: d.index,
      classType: d.classType,
      claimUsers: (claimKey, podKey) => this.claimUsers(claimKey, podKey),
    };
  }

  /**
   * The cached claim, or the newer copy this scheduler wrote. Only claims it read from the
   * cache are written, so a claim the cache no longer has was deleted: its copy goes too.
   */
  private claim(key: string): DeepReadonly<SClaim> | undefined {
    const cached = this.d.claims.get(key);
    const mine = this.assumedClaims.get(key);
    if (mine && cached && Number(mine.metadata.resourceVersion) > Number(cached.metadata.resourceVersion)) return mine;
    this.assumedClaims.delete(key);
    return cached;
  }

  private claimUsers(claimKey: string, podKey: string): string[] {
    const users = new Set<string>();
    for (const p of this.d.pods.byIndex(PodByClaimIndex, claimKey))
      if (p.spec.nodeName && podIsActive(p)) users.add(objectKey(p));
    for (const [k, a] of this.assumedPods) if (a.claims.includes(claimKey)) users.add(k);
    users.delete(podKey);
    return [...users];
  }

  /** Forgets assumed pods the informer now shows on a node, or that are gone. */
  private forgetSettled(): void {
    for (const k of this.assumedPods.keys()) {
      const p = this.d.pods.get(k);
      if (!p || p.spec.nodeName || p.metadata.deletionTimestamp) this.assumedPods.delete(k);
    }
  }

  private load(node: string): number {
    let n = this.d.pods.byIndex(PodByNodeIndex, node).length;
    for (const a of this.assumedPods.values()) if (a.node === node) n++;
    return n;
  }

  async reconcile(key: string): Promise<Result | void> {
    this.forgetSettled();
    const pod = this.d.pods.get(key);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    this.assumedPods.delete(key);
    const nodes = this.d.nodes.list();
    const pre = preFilterVolumes(pod, this.view);
    if ('message' in pre) return this.unschedulable(pod, fitErrorMessage(nodes.length, { preFilter: pre.message }));
    const fits: SNode[] = [];
    const reasons: NodeReason[][] = [];
    for (const n of nodes) {
      const first = nodeFilter(pod, n);
      const r = first ? [first] : filterVolumes(pre.claims, n, this.view);
      if (r.length) reasons.push(r);
      else fits.push(n);
    }
    const [firstFit] = fits;
    if (!firstFit) return this.unschedulable(pod, fitErrorMessage(nodes.length, { reasons }));
    const chosen = fits.reduce((best, n) => (this.load(n.metadata.name) < this.load(best.metadata.name) ? n : best));
    const nodeName = chosen.metadata.name;
    // Reserved before the first await: other workers see the node's load and the pod's claims in use.
    this.assumedPods.set(key, { node: nodeName, claims: podClaimKeys(pod) });
    let placed = false;
    try {
      for (const c of pre.claims.delayed) {
        if (selectedNodeOf(c) !== undefined) continue;
        const next = jsonClone(c) as SClaim;
        next.metadata.annotations = { ...next.metadata.annotations, [Annotation.SelectedNode]: nodeName };
        this.assumedClaims.set(objectKey(next), await this.d.updateClaim(next));
      }
      // The binder binds or provisions for the node; claim changes bring the pod back here.
      if (pre.claims.delayed.length) return { requeueAfter: retryWaitingForVolumesMs };
      await this.d.bind(pod.metadata.namespace, pod.metadata.name, nodeName);
      placed = true;
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    } finally {
      // A pod still waiting for its volumes keeps its place; one that failed gives it up.
      if (!placed && !pre.claims.delayed.length) this.assumedPods.delete(key);
    }
    this.d.recorder.event(
      pod,
      EventType.Normal,
      SchedulerReason.Scheduled,
      `Successfully assigned ${objectKey(pod)} to ${nodeName}`,
    );
  }

  private unschedulable(pod: DeepReadonly<Stored<Pod, 'Namespaced'>>, message: string): Result {
    this.d.recorder.event(pod, EventType.Warning, SchedulerReason.FailedScheduling, message);
    return { requeueAfter: retryUnschedulableMs };
  }
}
