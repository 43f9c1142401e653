/** The PV controller's entry in the controller-manager's table. */
import path from 'node:path';
import { FileProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import { defaultProvisioningRecordDir } from '../../manager/config';
import type { ControllerDescriptor } from '../../manager/descriptor';
import { ensureBuiltinClasses } from './builtin_classes';
import { addPersistentVolumeIndexes, newPersistentVolumeController } from './controller';

/** persistentvolume-binder: binds claims to volumes, provisions and reclaims them. */
export const persistentVolumeBinderControllerDescriptor: ControllerDescriptor = {
  name: 'persistentvolume-binder',
  informers: ['persistentVolumes', 'persistentVolumeClaims', 'storageClasses', 'nodes'],
  indexes: addPersistentVolumeIndexes,
  start: async (ctx) => {
    const cfg = ctx.config;
    const recordDir = cfg.provisioningRecordDir ?? defaultProvisioningRecordDir;
    const records = new FileProvisioningRecords(recordDir);
    // The snapshot controller's records, which restores read (pkg/controller/volume/snapshot).
    const snapshotRecords = new FileProvisioningRecords(path.join(recordDir, 'snapshots'));
    await ensureBuiltinClasses(ctx.client.storageClasses, cfg.drivers);
    return newPersistentVolumeController({
      ...ctx,
      drivers: cfg.drivers,
      records,
      snapshotRecords,
      recorder: ctx.newRecorder('persistentvolume-controller'),
    });
  },
};
