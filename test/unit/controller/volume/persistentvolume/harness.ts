/**
 * A test harness for the PV controller's reconcilers: a fake API (test/helpers/fake_client),
 * informer-like caches (IndexedCache with the controller's own indexes) refreshed from the
 * fake after every reconcile, the controller's handler wiring re-enacted on the differences
 * (which keys a real informer event would enqueue), a FakeRecorder and fake provisioners.
 * `run()` reconciles queued claim and volume keys until both queues are empty.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import { PersistentVolumeClaimPhase, PersistentVolumePhase } from '../../../../../pkg/api/core/v1';
import type { StorageClass } from '../../../../../pkg/api/storage/v1';
import type { Stored } from '../../../../../pkg/api/stored';
import { FakeRecorder } from '../../../../../pkg/client/record/recorder';
import { TerminalError } from '../../../../../pkg/util/reconcile/runner';
import { syncClaim } from '../../../../../pkg/controller/volume/persistentvolume/claim_sync';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { addPersistentVolumeIndexes } from '../../../../../pkg/controller/volume/persistentvolume/controller';
import { IndexName, type ControllerContext } from '../../../../../pkg/controller/volume/persistentvolume/deps';
import type {
  ControllerService,
  CreatedVolume,
  CreateVolumeRequest,
} from '../../../../../pkg/volume/controller_service';
import { ProvisioningError } from '../../../../../pkg/volume/errors';
import {
  BuiltinProvisioner as ProvisionerName,
  BuiltinType as StorageType,
  builtinTypeOf,
  testDriverRegistry,
} from '../../../../helpers/volume_drivers';
import { MemoryProvisioningRecords } from '../../../../../pkg/volume/dirs/provisioning_records';
import type { DeepReadonly } from '../../../../../pkg/util/immutable/deep_readonly';
import { isMatchable, VolumeIndex } from '../../../../../pkg/controller/volume/persistentvolume/volume_index';
import { syncVolume } from '../../../../../pkg/controller/volume/persistentvolume/volume_sync';
import type { SharedInformerFactory } from '../../../../../pkg/informer/factory';
import { IndexedCache } from '../../../../../pkg/informer/indexer';
import { FakeResource, FakeTracker } from '../../../../helpers/fake_client';
import { claimRefKey, objectKey } from '../../../../../pkg/api/keys';

// ------------------------------------------------------------------ builders

/** A StorageClass object. */
export function sc(name: string, provisioner: string, extra: Partial<StorageClass> = {}): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    ...extra,
  };
}

/** The two built-in classes (as ensureBuiltinClasses creates them). */
export const builtinClasses = (): StorageClass[] => [
  sc(StorageType.HostPath, ProvisionerName.HostPath),
  sc(StorageType.NFS, ProvisionerName.NFS, { parameters: { server: 'localhost', path: '/exports' } }),
];

/** Options of pv(). */
export interface PVOptions {
  size?: string;
  /** `csi`: a volume of an external CSI driver (no driver of ours handles it). */
  type?: 'hostPath' | 'nfs' | 'csi';
  className?: string;
  /** spec.volumeMode (absent: unset, which means Filesystem). */
  mode?: 'Filesystem' | 'Block';
  modes?: PersistentVolume['spec']['accessModes'];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  claim?: { name: string; uid?: string; namespace?: string };
  phase?: PersistentVolumePhase;
  policy?: 'Retain' | 'Delete' | 'Recycle';
  /** Marks the PV as provisioned by the fake provisioner of its type. */
  provisioned?: boolean;
}

/** A PersistentVolume. */
export function pv(name: string, o: PVOptions = {}): PersistentVolume {
  const type = o.type ?? 'hostPath';
  const annotations = {
    ...(o.provisioned
      ? { [Annotation.ProvisionedBy]: type === 'nfs' ? ProvisionerName.NFS : ProvisionerName.HostPath }
      : {}),
    ...o.annotations,
  };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      capacity: { storage: o.size ?? '1Gi' },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      ...(type === 'nfs'
        ? { nfs: { server: 'localhost', path: `/exports/${name}` } }
        : type === 'csi'
          ? { csi: { driver: 'csi.example.com', volumeHandle: name } }
          : { hostPath: { path: `/volumes/${name}` } }),
      storageClassName: o.className ?? (type === 'nfs' ? 'nfs' : type === 'csi' ? '' : 'hostPath'),
      ...(o.mode ? { volumeMode: o.mode } : {}),
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      ...(o.claim
        ? {
            claimRef: {
              kind: 'PersistentVolumeClaim',
              apiVersion: 'v1',
              namespace: o.claim.namespace ?? 'default',
              name: o.claim.name,
              ...(o.claim.uid ? { uid: o.claim.uid } : {}),
            },
          }
        : {}),
    },
    status: { phase: o.phase ?? PersistentVolumePhase.Available },
  };
}

/** Options of pvc(). */
export interface PVCOptions {
  size?: string;
  className?: string;
  modes?: PersistentVolumeClaim['spec']['accessModes'];
  volumeName?: string;
  selector?: PersistentVolumeClaim['spec']['selector'];
  phase?: PersistentVolumeClaimPhase;
  annotations?: Record<string, string>;
  uid?: string;
  namespace?: string;
  /** spec.volumeMode (absent: unset, which means Filesystem). */
  mode?: 'Filesystem' | 'Block';
}

/** A PersistentVolumeClaim (uid `uid-<name>` unless given). */
export function pvc(name: string, o: PVCOptions = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}`,
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      storageClassName: o.className ?? 'hostPath',
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.selector ? { selector: o.selector } : {}),
      ...(o.mode ? { volumeMode: o.mode } : {}),
    },
    status: { phase: o.phase ?? PersistentVolumeClaimPhase.Pending },
  };
}

// ------------------------------------------------------------------ fake provisioner

/** A provisioner that records calls and makes no storage; it can be told to fail. */
export class FakeProvisioner implements ControllerService {
  readonly provisioned: string[] = [];
  readonly requests: CreateVolumeRequest[] = [];
  readonly deleted: string[] = [];
  readonly recycled: string[] = [];
  readonly adopted: string[] = [];
  /** How many of the next provision calls fail (Infinity: all). */
  failProvisions = 0;
  failWith: () => Error = () => new ProvisioningError('fake backend is full');
  failDeletes = 0;
  failRecycles = 0;

  constructor(readonly type: string) {}

  async createVolume(req: CreateVolumeRequest): Promise<CreatedVolume> {
    await Promise.resolve();
    if (this.failProvisions > 0) {
      this.failProvisions--;
      throw this.failWith();
    }
    this.provisioned.push(req.pvName);
    const source =
      this.type === StorageType.NFS
        ? { nfs: { server: 'localhost', path: `/exports/${req.pvName}` } }
        : { hostPath: { path: `/volumes/${req.pvName}`, type: 'DirectoryOrCreate' } };
    this.requests.push(req);
    // Like the hostPath driver: reachable from the first preferred segment when one is asked for.
    const at = this.type === StorageType.NFS ? undefined : req.accessibilityRequirements?.preferred[0];
    return {
      source,
      annotations: { 'test/provisioned-for': req.claim.metadata.name ?? '' },
      localPath: source.hostPath?.path ?? `/export-root/${req.pvName}`,
      ...(at ? { accessibleTopology: [at] } : {}),
    };
  }

  async adoptVolume(volume: DeepReadonly<PersistentVolume>): Promise<void> {
    await Promise.resolve();
    this.adopted.push(volume.metadata.name ?? '');
  }

  async deleteVolume(volume: DeepReadonly<PersistentVolume>): Promise<void> {
    await Promise.resolve();
    if (this.failDeletes > 0) {
      this.failDeletes--;
      throw new ProvisioningError('fake delete failed');
    }
    this.deleted.push(volume.metadata.name ?? '');
  }

  async recycleVolume(volume: DeepReadonly<PersistentVolume>): Promise<void> {
    await Promise.resolve();
    if (this.failRecycles > 0) {
      this.failRecycles--;
      throw new ProvisioningError('fake recycle failed');
    }
    this.recycled.push(volume.metadata.name ?? '');
  }
}

// ------------------------------------------------------------------ harness

/** Initial objects of a harness. */
export interface Initial {
  classes?: StorageClass[];
  pvs?: PersistentVolume[];
  pvcs?: PersistentVolumeClaim[];
  nodes?: Node[];
}

/** A failed reconcile. */
export interface ReconcileError {
  queue: 'claim' | 'volume';
  key: string;
  err: Error;
}

/** One controller's view (caches, index, queues) over a fake API shared with others. */
export class PVHarness {
  readonly tracker: FakeTracker;
  readonly pvs: FakeResource<PersistentVolume, 'Cluster'>;
  readonly pvcs: FakeResource<PersistentVolumeClaim, 'Namespaced'>;
  readonly classes: FakeResource<StorageClass, 'Cluster'>;
  readonly nodes: FakeResource<Node, 'Cluster'>;
  readonly pvCache = new IndexedCache<Stored<PersistentVolume, 'Cluster'>>();
  readonly pvcCache = new IndexedCache<Stored<PersistentVolumeClaim, 'Namespaced'>>();
  readonly classCache = new IndexedCache<Stored<StorageClass, 'Cluster'>>();
  readonly nodeCache = new IndexedCache<Stored<Node, 'Cluster'>>();
  readonly index = new VolumeIndex(builtinTypeOf);
  readonly recorder = new FakeRecorder();
  readonly hostPath = new FakeProvisioner(StorageType.HostPath);
  readonly nfs = new FakeProvisioner(StorageType.NFS);
  readonly records = new MemoryProvisioningRecords();
  readonly claimQueue = new Set<string>();
  readonly volumeQueue = new Set<string>();
  readonly errors: ReconcileError[] = [];
  readonly ctx: ControllerContext;
  /** Extra retries of a key whose reconcile threw (not TerminalError). */
  maxRetries = 3;
  /** Refresh the caches from the fake API after every reconcile (an instant informer). */
  autoSync = true;
  private seen = new Map<string, string>();

  constructor(initial: Initial = {}, shared?: PVHarness) {
    this.tracker = shared?.tracker ?? new FakeTracker();
    this.pvs =
      shared?.pvs ??
      new FakeResource<PersistentVolume, 'Cluster'>(this.tracker, {
        resource: 'persistentvolumes',
        namespaced: false,
        createdStatus: () => ({ phase: PersistentVolumePhase.Pending }),
      });
    this.pvcs =
      shared?.pvcs ??
      new FakeResource<PersistentVolumeClaim, 'Namespaced'>(this.tracker, {
        resource: 'persistentvolumeclaims',
        namespaced: true,
        createdStatus: () => ({ phase: PersistentVolumeClaimPhase.Pending }),
      });
    this.classes =
      shared?.classes ??
      new FakeResource<StorageClass, 'Cluster'>(this.tracker, {
        resource: 'storageclasses',
        group: 'storage.k8s.io',
        namespaced: false,
      });
    this.nodes =
      shared?.nodes ?? new FakeResource<Node, 'Cluster'>(this.tracker, { resource: 'nodes', namespaced: false });
    addPersistentVolumeIndexes({
      persistentVolumes: () => this.pvCache,
      persistentVolumeClaims: () => this.pvcCache,
    } as unknown as SharedInformerFactory);
    // A harness sharing another's fake API adds nothing to it.
    if (!shared) for (const c of initial.classes ?? builtinClasses()) this.classes.seed(c);
    for (const v of initial.pvs ?? []) this.pvs.seed(v);
    for (const c of initial.pvcs ?? []) this.pvcs.seed(c);
    for (const n of initial.nodes ?? []) this.nodes.seed(n);
    this.ctx = {
      volumes: this.pvCache,
      claims: this.pvcCache,
      classes: this.classCache,
      nodes: this.nodeCache,
      pvClient: this.pvs,
      pvcClient: this.pvcs,
      index: this.index,
      drivers: testDriverRegistry(),
      controllerOf: (d) => (d.identity.type === StorageType.NFS ? this.nfs : this.hostPath),
      records: this.records,
      recorder: this.recorder,
      waitingNoted: new Map(),
      enqueueClaim: (key) => this.claimQueue.add(key),
    };
    // The informers' initial list: every object is an add.
    this.syncCaches();
  }

  /**
   * Refreshes the caches from the fake API and runs the controller's handlers (as in
   * controller.ts) for every object added, changed or deleted since the last refresh.
   */
  syncCaches(): void {
    const oldPvs = new Map(this.pvCache.list().map((v) => [v.metadata.name ?? '', v]));
    const oldPvcs = new Map(this.pvcCache.list().map((c) => [objectKey(c), c]));
    const oldClasses = new Set(this.classCache.listKeys());
    const rv = String(this.tracker.revision);
    this.pvCache.replace(this.pvs.all(), rv);
    this.pvcCache.replace(this.pvcs.all(), rv);
    this.classCache.replace(this.classes.all(), rv);
    this.nodeCache.replace(this.nodes.all(), rv);
    const changed = (kind: string, key: string, version: string | undefined) => {
      const k = `${kind}:${key}`;
      if (this.seen.get(k) === version) return false;
      this.seen.set(k, version ?? '');
      return true;
    };
    for (const v of this.pvCache.list()) {
      const name = v.metadata.name ?? '';
      if (!changed('pv', name, v.metadata.resourceVersion)) continue;
      this.index.upsert(v);
      this.volumeQueue.add(name);
      if (v.spec.claimRef?.name) this.claimQueue.add(claimRefKey(v.spec.claimRef));
      else if (isMatchable(v)) this.pendingClaimsOfClass(v.spec.storageClassName ?? '');
    }
    for (const [name, v] of oldPvs) {
      if (this.pvCache.get(name)) continue;
      this.seen.delete(`pv:${name}`);
      this.index.delete(name);
      this.volumeQueue.add(name);
      if (v.spec.claimRef?.name) this.claimQueue.add(claimRefKey(v.spec.claimRef));
    }
    for (const c of this.pvcCache.list()) {
      const key = objectKey(c);
      if (!changed('pvc', key, c.metadata.resourceVersion)) continue;
      this.claimQueue.add(key);
      if (oldPvcs.has(key) && c.spec.volumeName) this.volumeQueue.add(c.spec.volumeName);
    }
    for (const [key, c] of oldPvcs) {
      if (this.pvcCache.get(key)) continue;
      this.seen.delete(`pvc:${key}`);
      if (c.spec.volumeName) this.volumeQueue.add(c.spec.volumeName);
      for (const v of this.pvCache.byIndex(IndexName.PVByClaim, key)) this.volumeQueue.add(v.metadata.name ?? '');
    }
    for (const name of this.classCache.listKeys()) if (!oldClasses.has(name)) this.pendingClaimsOfClass(name);
  }

  private pendingClaimsOfClass(className: string): void {
    for (const c of this.pvcCache.byIndex(IndexName.ClaimByClass, className)) {
      if (c.status?.phase !== PersistentVolumeClaimPhase.Bound && !c.metadata.deletionTimestamp)
        this.claimQueue.add(objectKey(c));
    }
  }

  /** Reconciles queued keys (claims and volumes alternately) until both queues are empty. */
  async run(maxSteps = 1000): Promise<void> {
    const retries = new Map<string, number>();
    let turn: 'claim' | 'volume' = 'claim';
    for (let step = 0; ; step++) {
      if (step >= maxSteps) throw new Error(`controller did not settle within ${maxSteps} reconciles`);
      if (this.claimQueue.size === 0 && this.volumeQueue.size === 0) return;
      if (turn === 'claim' && this.claimQueue.size === 0) turn = 'volume';
      else if (turn === 'volume' && this.volumeQueue.size === 0) turn = 'claim';
      const queue = turn === 'claim' ? this.claimQueue : this.volumeQueue;
      const key = queue.values().next().value ?? '';
      queue.delete(key);
      try {
        if (turn === 'claim') await syncClaim(this.ctx, key);
        else await syncVolume(this.ctx, key);
      } catch (err) {
        this.errors.push({ queue: turn, key, err: err as Error });
        const id = `${turn}:${key}`;
        const n = retries.get(id) ?? 0;
        if (!(err instanceof TerminalError) && n < this.maxRetries) {
          retries.set(id, n + 1);
          queue.add(key);
        }
      }
      if (this.autoSync) this.syncCaches();
      turn = turn === 'claim' ? 'volume' : 'claim';
    }
  }

  /** Distinct events as `Type Reason object`, sorted. */
  eventSet(): string[] {
    return [...new Set(this.recorder.events.map((e) => `${e.type} ${e.reason} ${e.object}`))].sort();
  }

  pv(name: string): PersistentVolume | undefined {
    return this.pvs.peek(name);
  }

  pvc(name: string, namespace = 'default'): PersistentVolumeClaim | undefined {
    return this.pvcs.peek(name, namespace);
  }
}
