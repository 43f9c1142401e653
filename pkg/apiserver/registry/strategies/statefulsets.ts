/**
 * StatefulSet strategy (k8s statefulSetStrategy): created with an empty status (its controller
 * fills it in); defaulted on every write; a main-resource update may change only replicas,
 * ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds,
 * and never status (the store bumps generation on any spec change); status only through
 * /status. The scale subresource writes spec.replicas through this same update path.
 */
import type { StatefulSet } from '../../../api/apps/v1';
import { defaultStatefulSet } from '../../../api/defaults';
import { statefulSets } from '../../../api/resources';
import {
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const statefulSetStrategy: Strategy<StatefulSet> = {
  ...defaultStrategy,
  info: statefulSets,
  prepareForCreate: (sts) => defaultStatefulSet({ ...sts, status: { replicas: 0, availableReplicas: 0 } }),
  validate: validateStatefulSet,
  prepareForUpdate: (sts) => defaultStatefulSet(sts),
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
};
