/** The namespace controller's entry in the controller-manager's table. */
import type { ControllerDescriptor } from '../manager/descriptor';
import { newNamespaceController } from './controller';

/** namespace: deletes a terminating namespace's content, then finalizes it. */
export const namespaceControllerDescriptor: ControllerDescriptor = {
  name: 'namespace',
  informers: ['namespaces', 'pods', 'persistentVolumeClaims'],
  start: (ctx) => newNamespaceController(ctx),
};
