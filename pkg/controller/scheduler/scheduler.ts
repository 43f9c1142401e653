/**
 * The scheduler controller: assigns each pod with no spec.nodeName to a Ready, schedulable
 * node through pods/binding, honouring the node affinity of the PVs its bound claims use, and
 * spreading pods (fewest pods first). A pod that fits nowhere stays Pending with a
 * FailedScheduling event and is retried when nodes change (and periodically).
 * Claims that are not bound yet do not block scheduling: the kubelet's volume manager waits for
 * them (FailedMount), as the seed's flow expects.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { EventType } from '../../api/core/v1';
import { isConflict, isNotFound } from '../../api/errors';
import type { Stored } from '../../api/stored';
import type { EventRecorder } from '../../client/record/recorder';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { Reconciler, Result } from '../../util/reconcile/runner';
import type { Lister } from '../../util/reconcile/lister';
import { nodeMatchesAffinity } from '../../api/node_affinity';
import { namespacedKey, objectKey } from '../../api/keys';

/** Index of pods by spec.nodeName. */
export const PodByNodeIndex = 'podByNode';

/** Event reasons of the scheduler. */
export const SchedulerReason = { FailedScheduling: 'FailedScheduling', Scheduled: 'Scheduled' } as const;

/** How often an unschedulable pod is looked at again even when nothing changed. */
export const retryUnschedulableMs = 10_000;

/** Dependencies of the scheduler. */
export interface SchedulerDeps {
  pods: Lister<Stored<Pod, 'Namespaced'>>;
  nodes: { list(): DeepReadonly<Stored<Node, 'Cluster'>>[] };
  claims: Lister<Stored<PersistentVolumeClaim, 'Namespaced'>>;
  volumes: Lister<Stored<PersistentVolume, 'Cluster'>>;
  bind(namespace: string, name: string, node: string): Promise<void>;
  recorder: EventRecorder;
}

/** True when the node reports Ready and accepts pods. */
export function nodeIsReady(node: DeepReadonly<Node>): boolean {
  return (
    !node.spec?.unschedulable && (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Schedules one pod. */
export class SchedulerReconciler implements Reconciler {
  constructor(private readonly d: SchedulerDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const pod = this.d.pods.get(key);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    const nodes = this.d.nodes.list();
    const ready = nodes.filter(nodeIsReady);
    const ns = pod.metadata.namespace;
    const affinities = (pod.spec.volumes ?? []).flatMap((v) => {
      const claimName = v.persistentVolumeClaim?.claimName;
      const claim = claimName ? this.d.claims.get(namespacedKey(ns, claimName)) : undefined;
      const pv = claim?.spec.volumeName ? this.d.volumes.get(claim.spec.volumeName) : undefined;
      return pv?.spec.nodeAffinity ? [{ pv: pv.metadata.name, affinity: pv.spec.nodeAffinity }] : [];
    });
    const fits = ready.filter((n) => affinities.every((a) => nodeMatchesAffinity(n, a.affinity)));
    if (fits.length === 0) {
      const reasons = [
        `${nodes.length - ready.length} node(s) were not ready or unschedulable`,
        ...(affinities.length ? [`${ready.length - fits.length} node(s) had volume node affinity conflict`] : []),
      ];
      this.d.recorder.event(
        pod,
        EventType.Warning,
        SchedulerReason.FailedScheduling,
        `0/${nodes.length} nodes are available: ${reasons.join(', ')}.`,
      );
      return { requeueAfter: retryUnschedulableMs };
    }
    const load = (n: DeepReadonly<Stored<Node, 'Cluster'>>) =>
      this.d.pods.byIndex(PodByNodeIndex, n.metadata.name).length;
    const chosen = fits.reduce((best, n) => (load(n) < load(best) ? n : best));
    const nodeName = chosen.metadata.name;
    try {
      await this.d.bind(ns, pod.metadata.name, nodeName);
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
    this.d.recorder.event(
      pod,
      EventType.Normal,
      SchedulerReason.Scheduled,
      `Successfully assigned ${objectKey(pod)} to ${nodeName}`,
    );
  }
}
