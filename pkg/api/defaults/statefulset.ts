/** StatefulSet defaulting (k8s apps/v1 SetDefaults_StatefulSet, with the pod and claim defaults of its templates). */
import {
  PersistentVolumeClaimRetentionPolicyType,
  PodManagementPolicy,
  type StatefulSet,
  type StatefulSetSpec,
  type StatefulSetUpdateStrategy,
  StatefulSetUpdateStrategyType,
} from '../apps/v1';
import type { PersistentVolumeClaim } from '../core/v1';
import { defaultPersistentVolumeClaim } from './persistentvolumeclaim';
import { defaultPod } from './pod';

/** Replicas of a set that names none. */
export const DefaultStatefulSetReplicas = 1;
/** Old revisions a set keeps when it names no revisionHistoryLimit. */
export const DefaultRevisionHistoryLimit = 10;

function defaultUpdateStrategy(s: StatefulSetUpdateStrategy | undefined): StatefulSetUpdateStrategy {
  const type = s?.type || StatefulSetUpdateStrategyType.RollingUpdate;
  if (type !== StatefulSetUpdateStrategyType.RollingUpdate) return { ...s, type };
  return { ...s, type, rollingUpdate: { ...s?.rollingUpdate, partition: s?.rollingUpdate?.partition ?? 0 } };
}

/**
 * A claim template with the defaults a claim gets (volumeMode Filesystem, accessModes
 * [ReadWriteOnce], status.phase Pending) and the type meta Kubernetes prints on it.
 */
function defaultClaimTemplate(t: PersistentVolumeClaim): PersistentVolumeClaim {
  if (!t || typeof t !== 'object') return t;
  return defaultPersistentVolumeClaim({
    ...t,
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: t.metadata ?? {},
  });
}

/** The spec with its defaults; values the client set are kept. A malformed template is left as is for validation. */
function defaultSpec(spec: StatefulSetSpec): StatefulSetSpec {
  const template = spec.template;
  const templateSpec =
    template && typeof template === 'object' && template.spec && typeof template.spec === 'object'
      ? defaultPod({ metadata: template.metadata ?? {}, spec: template.spec }).spec
      : undefined;
  return {
    ...spec,
    replicas: spec.replicas ?? DefaultStatefulSetReplicas,
    podManagementPolicy: spec.podManagementPolicy || PodManagementPolicy.OrderedReady,
    updateStrategy: defaultUpdateStrategy(spec.updateStrategy),
    revisionHistoryLimit: spec.revisionHistoryLimit ?? DefaultRevisionHistoryLimit,
    persistentVolumeClaimRetentionPolicy: {
      ...spec.persistentVolumeClaimRetentionPolicy,
      whenDeleted:
        spec.persistentVolumeClaimRetentionPolicy?.whenDeleted || PersistentVolumeClaimRetentionPolicyType.Retain,
      whenScaled:
        spec.persistentVolumeClaimRetentionPolicy?.whenScaled || PersistentVolumeClaimRetentionPolicyType.Retain,
    },
    ...(templateSpec && template ? { template: { ...template, spec: templateSpec } } : {}),
    ...(Array.isArray(spec.volumeClaimTemplates)
      ? { volumeClaimTemplates: spec.volumeClaimTemplates.map(defaultClaimTemplate) }
      : {}),
  };
}

/**
 * A copy of `sts` with the defaults applied (the input is not changed): replicas 1,
 * podManagementPolicy OrderedReady, updateStrategy RollingUpdate with partition 0,
 * revisionHistoryLimit 10, persistentVolumeClaimRetentionPolicy Retain/Retain, the pod
 * template defaulted as a pod is (restartPolicy Always, …) and each volumeClaimTemplate as a
 * claim is (volumeMode Filesystem, …).
 */
export function defaultStatefulSet(sts: StatefulSet): StatefulSet {
  if (!sts.spec || typeof sts.spec !== 'object') return sts;
  return { ...sts, spec: defaultSpec(sts.spec) };
}
