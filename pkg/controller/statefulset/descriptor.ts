/** The StatefulSet controller's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../manager/descriptor';
import { newStatefulSetController } from './controller';

/** statefulset: pods and claims with stable identities for each StatefulSet. */
export const statefulSetControllerDescriptor: ControllerDescriptor = {
  name: 'statefulset',
  informers: ['statefulSets', 'pods', 'persistentVolumeClaims', 'controllerRevisions'],
  start: (ctx) => newStatefulSetController({ ...ctx, recorder: ctx.newRecorder('statefulset-controller') }),
};
