/** The expand controller's entry in the controller-manager's table. */
import { FileProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import { defaultProvisioningRecordDir } from '../../manager/config';
import type { ControllerDescriptor } from '../../manager/descriptor';
import { expandComponent } from './constants';
import { newExpandController } from './controller';

/** persistentvolume-expander: grows bound volumes whose claims ask for more (Kubernetes' name). */
export const persistentVolumeExpanderControllerDescriptor: ControllerDescriptor = {
  name: 'persistentvolume-expander',
  informers: ['persistentVolumes', 'persistentVolumeClaims', 'storageClasses'],
  start: (ctx) =>
    newExpandController({
      ...ctx,
      drivers: ctx.config.drivers,
      records: new FileProvisioningRecords(ctx.config.provisioningRecordDir ?? defaultProvisioningRecordDir),
      recorder: ctx.newRecorder(expandComponent),
    }),
};
