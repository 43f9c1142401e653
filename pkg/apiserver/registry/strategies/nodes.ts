/** Node strategy: cluster-scoped; the kubelet registers it with its status. */
import type { Node } from '../../../api/core/v1';
import { nodes } from '../../../api/resources';
import { validateNode } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const nodeStrategy: Strategy<Node> = {
  ...defaultStrategy,
  info: nodes,
  selectableFields: ['spec.unschedulable'],
  prepareForCreate: (node) => node,
  validate: validateNode,
  prepareForUpdate: (node) => node,
  validateUpdate: validateNode,
  fields: (node) => ({ 'spec.unschedulable': String(node.spec?.unschedulable ?? false) }),
};
