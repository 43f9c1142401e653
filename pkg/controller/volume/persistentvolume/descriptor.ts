/** The PV controller's entry in the controller-manager's table. */
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
    const records = new FileProvisioningRecords(cfg.provisioningRecordDir ?? defaultProvisioningRecordDir);
    await ensureBuiltinClasses(ctx.client.storageClasses, cfg.drivers);
    return newPersistentVolumeController({
      ...ctx,
      drivers: cfg.drivers,
      records,
      recorder: ctx.newRecorder('persistentvolume-controller'),
    });
  },
};
