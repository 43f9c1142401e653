/** The garbage collector's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../manager/descriptor';
import { addGarbageCollectorInformers, newGarbageCollector } from './controller';

/** garbagecollector: deletes dependents whose owners are gone; orphans or waits as the owner's deletion asks. */
export const garbageCollectorControllerDescriptor: ControllerDescriptor = {
  name: 'garbagecollector',
  informers: [],
  indexes: addGarbageCollectorInformers,
  start: (ctx) => newGarbageCollector({ ...ctx, recorder: ctx.newRecorder('garbage-collector-controller') }),
};
