/** The two protection controllers' entries in the controller-manager's table. */
import type { ControllerDescriptor } from '../../manager/descriptor';
import { addProtectionIndexes, newPvcProtectionController, newPvProtectionController } from './controller';

/** pvc-protection: removes a claim's finalizer once no pod uses it. */
export const pvcProtectionControllerDescriptor: ControllerDescriptor = {
  name: 'pvc-protection',
  informers: ['persistentVolumeClaims', 'pods'],
  indexes: addProtectionIndexes,
  start: (ctx) => newPvcProtectionController(ctx),
};

/** pv-protection: removes a volume's finalizer once no claim is bound to it. */
export const pvProtectionControllerDescriptor: ControllerDescriptor = {
  name: 'pv-protection',
  informers: ['persistentVolumes'],
  start: (ctx) => newPvProtectionController(ctx),
};
