/**
 * Every controller this binary runs, in start order (kube-controller-manager's
 * NewControllerDescriptors). A new controller is its folder plus one line here.
 */
import { garbageCollectorControllerDescriptor } from '../garbagecollector/descriptor';
import { namespaceControllerDescriptor } from '../namespace/descriptor';
import { schedulerControllerDescriptor } from '../scheduler/descriptor';
import { statefulSetControllerDescriptor } from '../statefulset/descriptor';
import { persistentVolumeExpanderControllerDescriptor } from '../volume/expand/descriptor';
import { persistentVolumeBinderControllerDescriptor } from '../volume/persistentvolume/descriptor';
import { snapshotControllerDescriptor } from '../volume/snapshot/descriptor';
import { pvcProtectionControllerDescriptor, pvProtectionControllerDescriptor } from '../volume/protection/descriptor';
import type { ControllerDescriptor } from './descriptor';

/** The controller table. */
export const controllerDescriptors: readonly ControllerDescriptor[] = [
  persistentVolumeBinderControllerDescriptor,
  pvcProtectionControllerDescriptor,
  pvProtectionControllerDescriptor,
  persistentVolumeExpanderControllerDescriptor,
  schedulerControllerDescriptor,
  namespaceControllerDescriptor,
  statefulSetControllerDescriptor,
  garbageCollectorControllerDescriptor,
  snapshotControllerDescriptor,
];
