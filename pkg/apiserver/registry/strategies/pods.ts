/**
 * Pod strategy: created Pending; a pod bound to a node is deleted gracefully (its kubelet
 * confirms with grace 0); a pod on no node is removed at once.
 */
import type { Pod } from '../../../api/core/v1';
import { PodPhase } from '../../../api/core/v1';
import { defaultPod } from '../../../api/defaults';
import { pods } from '../../../api/resources';
import { validatePod, validatePodStatus, validatePodUpdate } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const podStrategy: Strategy<Pod> = {
  ...defaultStrategy,
  info: pods,
  selectableFields: ['spec.nodeName', 'status.phase', 'spec.schedulerName', 'spec.restartPolicy'],
  prepareForCreate: (pod) => defaultPod({ ...pod, status: { phase: PodPhase.Pending } }),
  validate: validatePod,
  prepareForUpdate: (pod) => defaultPod(pod),
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: (pod) => validatePodStatus(pod),
  fields: (pod) => ({
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'status.phase': pod.status?.phase,
    'spec.schedulerName': pod.spec?.schedulerName,
    'spec.restartPolicy': pod.spec?.restartPolicy,
  }),
  gracePeriod: (pod, requested) => {
    if (!pod.spec?.nodeName) return 0;
    return requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  },
};
