/** The scheduler's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../manager/descriptor';
import { addSchedulerIndexes, newSchedulerController } from './controller';

/** scheduler: binds unscheduled pods to nodes (and selects nodes for WaitForFirstConsumer claims). */
export const schedulerControllerDescriptor: ControllerDescriptor = {
  name: 'scheduler',
  informers: ['pods', 'nodes', 'persistentVolumeClaims', 'persistentVolumes', 'storageClasses'],
  indexes: addSchedulerIndexes,
  start: (ctx) =>
    newSchedulerController({ ...ctx, drivers: ctx.config.drivers, recorder: ctx.newRecorder('default-scheduler') }),
};
