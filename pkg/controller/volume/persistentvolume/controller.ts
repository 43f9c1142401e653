/**
 * The PersistentVolume controller (persistentvolume-binder): two work queues, claims and
 * volumes, fed by the PV, PVC and StorageClass informers; handlers only enqueue keys and keep
 * the matching index current; the reconcilers (claim_sync, volume_sync) re-read the listers.
 *
 * Events that can change a claim's outcome enqueue it: the claim itself; its volume (or a PV of
 * the name it asks for); a PV that
 * becomes matchable (every Pending claim of that class); a StorageClass appearing (every
 * Pending claim naming it; a default class: also every Pending claim without a class).
 */
import type { Logger } from 'pino';
import { PersistentVolumeClaimPhase } from '../../../api/core/v1';
import type { StorageClass } from '../../../api/storage/v1';
import { isDefaultStorageClass } from '../../../api/storage/default_class';
import type { Stored } from '../../../api/stored';
import type { Clientset } from '../../../client/clientset';
import type { EventRecorder } from '../../../client/record/recorder';
import type { SharedInformerFactory } from '../../../informer/factory';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { unwrapTombstone } from '../../../informer/tombstone';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../../util/workqueue';
import { enqueueMapped } from '../../../util/reconcile/handlers';
import { runController, type ControllerMetrics } from '../../../util/reconcile/runner';
import { syncClaim } from './claim_sync';
import { IndexName, type ControllerContext, type StoredVolume } from './deps';
import type { ProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import type { VolumeDriverRegistry } from '../../../volume/registry';
import { driverServes, volumeTypeOf } from './drivers';
import { VolumeIndex, isMatchable } from './volume_index';
import { syncVolume } from './volume_sync';
import type { SnapshotReader } from './data_source';
import { ResourceClient } from '../../../client/resource_client';
import type { VolumeSnapshot, VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import { volumeSnapshotContentsInfo, volumeSnapshotsInfo } from '../../../api/snapshot/v1/types';
import { claimRefKey, objectKey } from '../../../api/keys';

/** Dependencies of the PV controller. */
export interface PersistentVolumeControllerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  /** The volume drivers; their controller halves are made once here, with `records`. */
  drivers: VolumeDriverRegistry;
  records: ProvisioningRecords;
  /** The snapshot controller's records (restores read the copies they name). */
  snapshotRecords?: ProvisioningRecords;
  recorder: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
}

/** Live reads of snapshots and contents through untyped clients of the snapshot CRDs. */
function snapshotReader(client: Clientset): SnapshotReader {
  const snaps = new ResourceClient<VolumeSnapshot, 'Namespaced'>(client.rest, volumeSnapshotsInfo);
  const contents = new ResourceClient<VolumeSnapshotContent, 'Cluster'>(client.rest, volumeSnapshotContentsInfo);
  return {
    getSnapshot: (namespace, name) => snaps.get(name, namespace),
    getContent: (name) => contents.get(name),
  };
}

/** Adds the controller's indexes to the shared informers (once, before they start). */
export function addPersistentVolumeIndexes(factory: SharedInformerFactory): void {
  const pvs = factory.persistentVolumes();
  const pvcs = factory.persistentVolumeClaims();
  pvs.addIndexers({ [IndexName.PVByClaim]: (pv) => (pv.spec.claimRef?.name ? [claimRefKey(pv.spec.claimRef)] : []) });
  pvcs.addIndexers({
    [IndexName.ClaimByVolume]: (c) => (c.spec.volumeName ? [c.spec.volumeName] : []),
    [IndexName.ClaimByClass]: (c) => [c.spec.storageClassName ?? ''],
  });
}

/** Builds the controller's informer wiring; `run` processes both queues until the signal aborts. */
export function newPersistentVolumeController(o: PersistentVolumeControllerOptions): {
  run(signal: AbortSignal): Promise<void>;
} {
  const pvInformer = o.factory.persistentVolumes();
  const pvcInformer = o.factory.persistentVolumeClaims();
  const scInformer = o.factory.storageClasses();
  const claims = pvcInformer.lister();
  const claimQueue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const volumeQueue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const index = new VolumeIndex(
    (pv) => volumeTypeOf(o.drivers, pv),
    (pv, claim) => driverServes(o.drivers, pv, claim),
  );

  const pendingClaimsOfClass = (className: string) => {
    for (const c of claims.byIndex(IndexName.ClaimByClass, className)) {
      if (c.status?.phase !== PersistentVolumeClaimPhase.Bound && !c.metadata.deletionTimestamp)
        claimQueue.add(objectKey(c));
    }
  };
  const onVolume = (pv: DeepReadonly<StoredVolume>) => {
    index.upsert(pv);
    volumeQueue.add(pv.metadata.name);
    if (pv.spec.claimRef?.name) claimQueue.add(claimRefKey(pv.spec.claimRef));
    else if (isMatchable(pv)) pendingClaimsOfClass(pv.spec.storageClassName ?? '');
    // Claims naming it by spec.volumeName, whatever their class (a Lost claim's PV re-created).
    for (const c of claims.byIndex(IndexName.ClaimByVolume, pv.metadata.name)) claimQueue.add(objectKey(c));
  };
  const registrations = [
    pvInformer.addEventHandler({
      onAdd: onVolume,
      onUpdate: (_old, pv) => onVolume(pv),
      onDelete: (obj) => {
        const pv = unwrapTombstone(obj);
        index.delete(pv.metadata.name);
        volumeQueue.add(pv.metadata.name);
        if (pv.spec.claimRef?.name) claimQueue.add(claimRefKey(pv.spec.claimRef));
      },
    }),
    pvcInformer.addEventHandler({
      onAdd: (c) => claimQueue.add(objectKey(c)),
      onUpdate: (_old, c) => {
        claimQueue.add(objectKey(c));
        if (c.spec.volumeName) volumeQueue.add(c.spec.volumeName);
        // A PV that points at this claim but lost a race for it must be looked at again to be freed.
        for (const pv of pvInformer.lister().byIndex(IndexName.PVByClaim, objectKey(c)))
          volumeQueue.add(pv.metadata.name);
      },
      onDelete: (obj) => {
        const c = unwrapTombstone(obj);
        if (c.spec.volumeName) volumeQueue.add(c.spec.volumeName);
        for (const pv of pvInformer.lister().byIndex(IndexName.PVByClaim, objectKey(c)))
          volumeQueue.add(pv.metadata.name);
      },
    }),
    scInformer.addEventHandler(
      // A default class also concerns every Pending claim without a class (retroactive assignment).
      enqueueMapped<Stored<StorageClass, 'Cluster'>>({ add: (name) => pendingClaimsOfClass(name) }, (sc) =>
        isDefaultStorageClass(sc) ? [sc.metadata.name, ''] : [sc.metadata.name],
      ),
    ),
  ];

  const ctx: ControllerContext = {
    volumes: pvInformer.lister(),
    claims,
    classes: scInformer.lister(),
    nodes: o.factory.nodes().lister(),
    pvClient: o.client.persistentVolumes,
    pvcClient: o.client.persistentVolumeClaims,
    index,
    drivers: o.drivers,
    controllerOf: o.drivers.services((d) =>
      d.controller({ records: o.records, ...(o.snapshotRecords ? { snapshotRecords: o.snapshotRecords } : {}) }),
    ),
    records: o.records,
    snapshots: snapshotReader(o.client),
    recorder: o.recorder,
    waitingNoted: new Map(),
    enqueueClaim: (key) => claimQueue.add(key),
  };
  return {
    run: async (signal) => {
      // Handlers registered after the informers synced replayed the caches as adds, so the
      // index and both queues start complete.
      await runController({
        loops: [
          { name: 'persistentvolume-claims', queue: claimQueue, reconciler: { reconcile: (k) => syncClaim(ctx, k) } },
          {
            name: 'persistentvolume-volumes',
            queue: volumeQueue,
            reconciler: { reconcile: (k) => syncVolume(ctx, k) },
          },
        ],
        registrations,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
