/** The PV controller's entry in the controller-manager's table. */
import { defaultProvisioningRecordDir } from '../../manager/config';
import type { ControllerDescriptor } from '../../manager/descriptor';
import { ensureBuiltinClasses } from './builtin_classes';
import { addPersistentVolumeIndexes, newPersistentVolumeController } from './controller';
import { HostPathProvisioner } from '../../../volume/hostpath/controller';
import { NfsProvisioner } from '../../../volume/nfs/controller';
import { FileProvisioningRecords } from '../../../volume/dirs/provisioning_records';

/** persistentvolume-binder: binds claims to volumes, provisions and reclaims them. */
export const persistentVolumeBinderControllerDescriptor: ControllerDescriptor = {
  name: 'persistentvolume-binder',
  informers: ['persistentVolumes', 'persistentVolumeClaims', 'storageClasses'],
  indexes: addPersistentVolumeIndexes,
  start: async (ctx) => {
    const cfg = ctx.config;
    const records = new FileProvisioningRecords(cfg.provisioningRecordDir ?? defaultProvisioningRecordDir);
    const provisioners = [
      new HostPathProvisioner({ baseDir: cfg.hostPathBaseDir, allowedRoots: cfg.hostPathAllowedRoots ?? [], records }),
      new NfsProvisioner(cfg.nfs, records),
    ];
    await ensureBuiltinClasses(ctx.client.storageClasses, cfg.nfs);
    return newPersistentVolumeController({
      ...ctx,
      provisioners,
      records,
      recorder: ctx.newRecorder('persistentvolume-controller'),
    });
  },
};
