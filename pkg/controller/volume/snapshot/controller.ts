/**
 * The snapshot controller: external-snapshotter's snapshot-controller (snapshot_sync.ts) and the
 * driver's snapshotter sidecar (content_sync.ts) in one controller, on untyped informers of the
 * three snapshot.storage.k8s.io CRDs. The CRDs may not exist yet: the informers are made and
 * started by run(), not declared to the manager (whose cache sync would then never finish), and
 * their reflectors retry a 404 list with backoff until the CRDs are applied; the workers start
 * once they have synced.
 */
import path from 'node:path';
import type { PersistentVolumeClaim } from '../../../api/core/v1';
import type { Stored } from '../../../api/stored';
import type { VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import {
  volumeSnapshotClassesInfo,
  volumeSnapshotContentsInfo,
  volumeSnapshotsInfo,
} from '../../../api/snapshot/v1/types';
import { ResourceClient } from '../../../client/resource_client';
import { FileProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import { enqueueMapped, enqueueOwnKey } from '../../../util/reconcile/handlers';
import { runController } from '../../../util/reconcile/runner';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../../util/workqueue';
import { defaultProvisioningRecordDir } from '../../manager/config';
import type { ControllerContext, RunnableController } from '../../manager/descriptor';
import { ContentReconciler } from './content_sync';
import type { SnapshotDeps } from './deps';
import { restoresFrom, SnapshotReconciler, snapshotKeyOf } from './snapshot_sync';

/** The snapshot controller of a controller-manager. */
export function newSnapshotController(ctx: ControllerContext): RunnableController {
  const rest = ctx.client.rest;
  const snapshotClient = new ResourceClient<VolumeSnapshot, 'Namespaced'>(rest, volumeSnapshotsInfo);
  const contentClient = new ResourceClient<VolumeSnapshotContent, 'Cluster'>(rest, volumeSnapshotContentsInfo);
  const classClient = new ResourceClient<VolumeSnapshotClass, 'Cluster'>(rest, volumeSnapshotClassesInfo);
  const recordDir = ctx.config.provisioningRecordDir ?? defaultProvisioningRecordDir;
  const records = new FileProvisioningRecords(recordDir);
  const snapshotRecords = new FileProvisioningRecords(path.join(recordDir, 'snapshots'));
  const services = ctx.config.drivers.services((d) => d.controller({ records, snapshotRecords }));
  return {
    run: async (signal) => {
      const f = ctx.factory;
      const snapshots = f.forResource(snapshotClient);
      const contents = f.forResource(contentClient);
      const classes = f.forResource(classClient);
      const claims = f.persistentVolumeClaims();
      const volumes = f.persistentVolumes();
      const snapQueue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
      const contentQueue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
      const regs = [
        snapshots.addEventHandler(enqueueOwnKey(snapQueue)),
        contents.addEventHandler(enqueueOwnKey(contentQueue)),
        contents.addEventHandler(enqueueMapped<Stored<VolumeSnapshotContent, 'Cluster'>>(snapQueue, snapshotKeyOf)),
        claims.addEventHandler(
          enqueueMapped<Stored<PersistentVolumeClaim, 'Namespaced'>>(snapQueue, (c) =>
            snapshots
              .lister()
              .listNamespace(c.metadata.namespace ?? '')
              .filter((s) => s.spec.source.persistentVolumeClaimName === c.metadata.name || restoresFrom(c, s))
              .map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`),
          ),
        ),
      ];
      f.start(signal);
      if (!(await f.waitForCacheSync(signal))) return;
      const deps: SnapshotDeps = {
        snapshots: snapshots.lister(),
        contents: contents.lister(),
        classes: classes.lister(),
        claims: claims.lister(),
        volumes: volumes.lister(),
        snapshotClient,
        contentClient,
        claimClient: ctx.client.persistentVolumeClaims,
        drivers: ctx.config.drivers,
        controllerOf: (provisioner) => {
          const d = ctx.config.drivers.byProvisioner(provisioner);
          return d && services(d);
        },
        recorder: ctx.newRecorder('snapshot-controller'),
        now: () => new Date(),
      };
      await runController({
        loops: [
          { name: 'snapshot', queue: snapQueue, reconciler: new SnapshotReconciler(deps) },
          { name: 'snapshot-content', queue: contentQueue, reconciler: new ContentReconciler(deps) },
        ],
        registrations: regs,
        workers: ctx.workers,
        logger: ctx.logger,
        signal,
        metrics: ctx.metrics,
      });
    },
  };
}
