/**
 * The garbage collector's unit harness: objects of three kinds (pod, claim, PV) named `name`
 * with uid `uid-<name>`, owner references to them, and the collector over a fake apiserver
 * (fake_gc_api.ts) driven until its queue is empty, with its writes as lines.
 */
import type { KubeObject, OwnerReference } from '../../../../pkg/api/meta';
import {
  allResources,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
  type ResourceInfo,
} from '../../../../pkg/api/resources';
import type { Stored } from '../../../../pkg/api/stored';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { Graph } from '../../../../pkg/controller/garbagecollector/graph';
import { GraphBuilder } from '../../../../pkg/controller/garbagecollector/graph_builder';
import { GarbageCollectorReconciler } from '../../../../pkg/controller/garbagecollector/reconciler';
import { KindResolver } from '../../../../pkg/controller/garbagecollector/resources';
import { silentLogger } from '../../../../pkg/log/logger';
import { FakeGCApi, type GCAction } from './fake_gc_api';

/** The kinds of the harness. */
export type Kind = 'pod' | 'pvc' | 'pv';
/** Their resources. */
export const infoOf: Record<Kind, ResourceInfo> = { pod: pods, pvc: persistentVolumeClaims, pv: persistentVolumes };

/** An object of `kind` named `name` with uid `uid-<name>` (namespace ns1 unless cluster-scoped). */
export interface Spec {
  kind: Kind;
  name: string;
  ns?: string;
  owners?: OwnerReference[];
  finalizers?: string[];
  deleting?: boolean;
}

/** The stored object of a spec. */
export function objectOf(s: Spec): Stored<KubeObject> {
  const info = infoOf[s.kind];
  return {
    apiVersion: 'v1',
    kind: info.kind,
    metadata: {
      name: s.name,
      uid: `uid-${s.name}`,
      resourceVersion: '1',
      ...(info.namespaced ? { namespace: s.ns ?? 'ns1' } : {}),
      ...(s.owners ? { ownerReferences: s.owners } : {}),
      ...(s.finalizers ? { finalizers: s.finalizers } : {}),
      ...(s.deleting ? { deletionTimestamp: '2024-05-01T09:00:00Z' } : {}),
    },
  };
}

/** A reference to the object `name` of `kind` (uid `uid-<name>` unless given). */
export function ref(
  kind: Kind,
  name: string,
  o: { block?: boolean; uid?: string; apiVersion?: string } = {},
): OwnerReference {
  return {
    apiVersion: o.apiVersion ?? 'v1',
    kind: infoOf[kind].kind,
    name,
    uid: o.uid ?? `uid-${name}`,
    ...(o.block !== undefined ? { blockOwnerDeletion: o.block } : {}),
  };
}

/** An action as a line: `delete persistentvolumeclaims ns1/c Background`, `patch pods ns1/p owners=uid-a`. */
export function line(a: GCAction): string {
  const parts = [a.verb, a.key];
  if (a.policy) parts.push(a.policy);
  if (a.patch?.ownerReferences !== undefined)
    parts.push(
      `owners=${a.patch.ownerReferences === null ? 'none' : a.patch.ownerReferences.map((r) => `${r.uid}${r.blockOwnerDeletion === false ? '(unblocked)' : ''}`).join(',')}`,
    );
  if (a.patch?.finalizers !== undefined)
    parts.push(`finalizers=${a.patch.finalizers === null ? 'none' : a.patch.finalizers.join(',')}`);
  return parts.join(' ');
}

/** The collector over a fake apiserver, driven until its queue is empty. */
export function harness(initial: Spec[]) {
  const api = new FakeGCApi();
  const graph = new Graph();
  const pending = new Set<string>();
  const builder = new GraphBuilder(graph, { add: (k) => pending.add(k) });
  api.sink = builder;
  const recorder = new FakeRecorder();
  const reconciler = new GarbageCollectorReconciler({
    graph,
    resolver: new KindResolver(allResources),
    client: api,
    recorder,
    logger: silentLogger(),
  });
  for (const s of initial) api.seed(infoOf[s.kind], objectOf(s));
  const errors: string[] = [];
  return {
    api,
    graph,
    recorder,
    errors,
    /** Writes (patches, deletes) as lines. */
    writes: () => api.actions.filter((a) => a.verb !== 'get').map(line),
    gets: () => api.actions.filter((a) => a.verb === 'get').map((a) => a.key),
    async settle(max = 100): Promise<void> {
      for (let steps = 0; pending.size > 0; steps++) {
        if (steps >= max) throw new Error(`still busy after ${max} reconciles: ${[...pending].join(', ')}`);
        const [uid] = pending;
        if (uid === undefined) break;
        pending.delete(uid);
        try {
          await reconciler.reconcile(uid);
        } catch (err) {
          errors.push((err as Error).message);
          pending.add(uid); // the runner's addRateLimited
        }
      }
    },
  };
}
