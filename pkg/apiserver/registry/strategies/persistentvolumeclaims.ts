/** PersistentVolumeClaim strategy: created Pending, dataSource/dataSourceRef mirrored, a beta class annotation copied into a class-less spec; spec immutable but requests, a first volumeName and a first class. */
import type { PersistentVolumeClaim } from '../../../api/core/v1';
import { PersistentVolumeClaimPhase } from '../../../api/core/v1';
import { adoptBetaStorageClass, defaultPersistentVolumeClaim, normalizeDataSources } from '../../../api/defaults';
import { persistentVolumeClaims } from '../../../api/resources';
import {
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatus,
  validatePersistentVolumeClaimUpdate,
} from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const persistentVolumeClaimStrategy: Strategy<PersistentVolumeClaim> = {
  ...defaultStrategy,
  info: persistentVolumeClaims,
  selectableFields: ['spec.volumeName', 'status.phase', 'spec.storageClassName'],
  prepareForCreate: (pvc) =>
    adoptBetaStorageClass(
      normalizeDataSources(
        defaultPersistentVolumeClaim({ ...pvc, status: { phase: PersistentVolumeClaimPhase.Pending } }),
      ),
    ),
  validate: validatePersistentVolumeClaim,
  prepareForUpdate: (pvc) => defaultPersistentVolumeClaim(pvc),
  validateUpdate: validatePersistentVolumeClaimUpdate,
  // Status writes (controllers, kubelets) get their quantities canonical too.
  prepareForStatusUpdate: (pvc) => defaultPersistentVolumeClaim(pvc),
  validateStatusUpdate: (pvc) => validatePersistentVolumeClaimStatus(pvc),
  fields: (pvc) => ({
    'spec.volumeName': pvc.spec?.volumeName,
    'status.phase': pvc.status?.phase,
    'spec.storageClassName': pvc.spec?.storageClassName,
  }),
};
