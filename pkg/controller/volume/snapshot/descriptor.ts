/** The snapshot controller's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../../manager/descriptor';
import { newSnapshotController } from './controller';

/** snapshot-controller: dynamic and pre-provisioned VolumeSnapshots, their contents and copies. */
export const snapshotControllerDescriptor: ControllerDescriptor = {
  name: 'snapshot-controller',
  informers: ['persistentVolumeClaims', 'persistentVolumes'],
  start: (ctx) => newSnapshotController(ctx),
};
