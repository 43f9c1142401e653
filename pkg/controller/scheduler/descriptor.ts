/** The scheduler's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../manager/descriptor';
import { addSchedulerIndexes, newSchedulerController } from './controller';

/** scheduler: binds unscheduled pods to nodes. */
export const schedulerControllerDescriptor: ControllerDescriptor = {
  name: 'scheduler',
  informers: ['pods', 'nodes', 'persistentVolumeClaims', 'persistentVolumes'],
  indexes: addSchedulerIndexes,
  start: (ctx) => newSchedulerController({ ...ctx, recorder: ctx.newRecorder('default-scheduler') }),
};
