/** Namespace strategy: cluster-scoped; Active on create. */
import type { Namespace } from '../../../api/core/v1';
import { defaultNamespace } from '../../../api/defaults';
import { namespaces } from '../../../api/resources';
import { validateNamespace } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const namespaceStrategy: Strategy<Namespace> = {
  ...defaultStrategy,
  info: namespaces,
  selectableFields: ['status.phase'],
  prepareForCreate: (ns) => defaultNamespace({ ...ns, status: { phase: 'Active' } }),
  validate: validateNamespace,
  prepareForUpdate: (ns) => ns,
  validateUpdate: validateNamespace,
  fields: (ns) => ({ 'status.phase': ns.status?.phase }),
};
