/**
 * A harness for the scheduler reconciler: IndexedCache listers with the scheduler's indexes,
 * its own VolumeIndex over the fixture's PVs (types from the test driver registry), a
 * recording bind and claim writer (each write bumps the claim's resourceVersion, as the
 * apiserver would) and a FakeRecorder. Builders for nodes, pods, claims, PVs and classes.
 */
import type {
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodSpec,
  VolumeNodeAffinity,
} from '../../../../pkg/api/core/v1';
import type { Stored } from '../../../../pkg/api/stored';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { PodByNodeIndex, SchedulerReconciler } from '../../../../pkg/controller/scheduler/scheduler';
import { PodByClaimIndex } from '../../../../pkg/controller/volume/protection/pvc_protection';
import { podClaimKeys } from '../../../../pkg/controller/scheduler/volume_binding';
import { VolumeIndex } from '../../../../pkg/controller/volume/persistentvolume/volume_index';
import { IndexedCache } from '../../../../pkg/informer/indexer';
import { objectKey } from '../../../../pkg/api/keys';
import { jsonClone } from '../../../../pkg/util/json/clone';
import { builtinTypeOf, testDriverRegistry } from '../../../helpers/volume_drivers';
import { stored, storedIn } from '../../../helpers/stored';

export type SPod = Stored<Pod, 'Namespaced'>;
export type SNode = Stored<Node, 'Cluster'>;
export type SClaim = Stored<PersistentVolumeClaim, 'Namespaced'>;
export type SVolume = Stored<PersistentVolume, 'Cluster'>;
export type SClass = Stored<StorageClass, 'Cluster'>;

/** A node labelled kubernetes.io/hostname=<name> (plus `labels`), Ready unless told otherwise. */
export function node(
  name: string,
  o: { ready?: 'True' | 'False' | 'Unknown'; unschedulable?: boolean; labels?: Record<string, string> } = {},
): SNode {
  return stored({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { unschedulable: o.unschedulable ?? false },
    status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True' }] },
  });
}

/** A pod using `claims` (each as a volume), optionally already on a node. */
export function pod(
  name: string,
  o: { nodeName?: string; claims?: string[]; spec?: Partial<PodSpec>; phase?: 'Running' | 'Succeeded' } = {},
): SPod {
  return storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      volumes: (o.claims ?? []).map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
      ...o.spec,
    },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  });
}

/** A required node affinity `key In values`. */
export const pinnedTo = (values: string[], key = 'kubernetes.io/hostname'): VolumeNodeAffinity => ({
  required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values }] }] },
});

/** Options of claim(). */
export interface ClaimOptions {
  className?: string;
  size?: string;
  /** Fully bound to this PV (volumeName + bind-completed, phase Bound). */
  boundTo?: string;
  selectedNode?: string;
  modes?: PersistentVolumeClaim['spec']['accessModes'];
  phase?: 'Lost';
  deleting?: boolean;
}

/** A claim (Pending unless bound). */
export function claim(name: string, o: ClaimOptions = {}): SClaim {
  const annotations = {
    ...(o.boundTo ? { 'pv.kubernetes.io/bind-completed': 'yes' } : {}),
    ...(o.selectedNode ? { 'volume.kubernetes.io/selected-node': o.selectedNode } : {}),
  };
  return storedIn<PersistentVolumeClaim>({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: 'default',
      annotations,
      ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: {
      storageClassName: o.className ?? 'hostPath',
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      ...(o.boundTo ? { volumeName: o.boundTo } : {}),
    },
    status: { phase: o.phase ?? (o.boundTo ? 'Bound' : 'Pending') },
  });
}

/** An Available hostPath PV of `className`, optionally pinned by node affinity. */
export function volume(
  name: string,
  o: { className?: string; size?: string; affinity?: VolumeNodeAffinity; bound?: boolean } = {},
): SVolume {
  return stored<PersistentVolume>({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: o.size ?? '1Gi' },
      accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'],
      hostPath: { path: `/v/${name}` },
      storageClassName: o.className ?? 'local',
      ...(o.affinity ? { nodeAffinity: o.affinity } : {}),
    },
    status: { phase: o.bound ? 'Bound' : 'Available' },
  });
}

/** A class (WaitForFirstConsumer unless told). */
export function storageClass(
  name: string,
  provisioner: string,
  o: Partial<Pick<StorageClass, 'volumeBindingMode' | 'allowedTopologies'>> = {},
): SClass {
  return stored<StorageClass>({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    volumeBindingMode: o.volumeBindingMode ?? 'WaitForFirstConsumer',
    ...(o.allowedTopologies ? { allowedTopologies: o.allowedTopologies } : {}),
  });
}

/** The objects a scheduler sees. */
export interface Fixture {
  nodes: SNode[];
  pods: SPod[];
  claims?: SClaim[];
  pvs?: SVolume[];
  classes?: SClass[];
}

/** A scheduler over a fixture, with what it wrote. */
export class SchedulerHarness {
  readonly pods = new IndexedCache<SPod>({
    [PodByNodeIndex]: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []),
    [PodByClaimIndex]: (p) => podClaimKeys(p),
  });
  readonly nodes = new IndexedCache<SNode>();
  readonly claims = new IndexedCache<SClaim>();
  readonly volumes = new IndexedCache<SVolume>();
  readonly classes = new IndexedCache<SClass>();
  readonly index = new VolumeIndex(builtinTypeOf);
  readonly recorder = new FakeRecorder();
  /** `namespace/pod→node` per pods/binding call. */
  readonly bound: string[] = [];
  /** Claims as written by the scheduler, by key. */
  readonly written = new Map<string, SClaim>();
  bindError: Error | undefined;
  readonly reconciler: SchedulerReconciler;
  private rv = 100;

  constructor(f: Fixture) {
    this.pods.replace(f.pods, '1');
    this.nodes.replace(f.nodes, '1');
    this.claims.replace(f.claims ?? [], '1');
    this.volumes.replace(f.pvs ?? [], '1');
    this.classes.replace(f.classes ?? [], '1');
    for (const pv of f.pvs ?? []) this.index.upsert(pv);
    const drivers = testDriverRegistry();
    this.reconciler = new SchedulerReconciler({
      pods: this.pods,
      nodes: this.nodes,
      claims: this.claims,
      volumes: this.volumes,
      classes: this.classes,
      index: this.index,
      classType: (name, sc) => drivers.forClass(name, sc)?.identity.type,
      recorder: this.recorder,
      bind: async (ns, name, nodeName) => {
        if (this.bindError) throw this.bindError;
        this.bound.push(`${ns}/${name}→${nodeName}`);
      },
      updateClaim: async (c) => {
        const next = jsonClone(c);
        next.metadata.resourceVersion = String(++this.rv);
        this.written.set(objectKey(next), next);
        return next;
      },
    });
  }

  /** Reconciles the pod `default/<name>`. */
  schedule(name = 'p'): Promise<unknown> {
    return this.reconciler.reconcile(`default/${name}`);
  }

  /** The selected-node the scheduler wrote on claim `default/<name>`, if it wrote one. */
  selected(name: string): string | undefined {
    return this.written.get(`default/${name}`)?.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  }

  /** Messages of the FailedScheduling events. */
  failures(): string[] {
    return this.recorder.events.filter((e) => e.reason === 'FailedScheduling').map((e) => e.message);
  }
}
