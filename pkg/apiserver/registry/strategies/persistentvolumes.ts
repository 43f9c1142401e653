/** PersistentVolume strategy: cluster-scoped; created Pending; source immutable. */
import type { PersistentVolume } from '../../../api/core/v1';
import { PersistentVolumePhase } from '../../../api/core/v1';
import { defaultPersistentVolume } from '../../../api/defaults';
import { persistentVolumes } from '../../../api/resources';
import {
  validatePersistentVolume,
  validatePersistentVolumeStatus,
  validatePersistentVolumeUpdate,
} from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const persistentVolumeStrategy: Strategy<PersistentVolume> = {
  ...defaultStrategy,
  info: persistentVolumes,
  selectableFields: ['status.phase', 'spec.storageClassName'],
  prepareForCreate: (pv) => defaultPersistentVolume({ ...pv, status: { phase: PersistentVolumePhase.Pending } }),
  validate: validatePersistentVolume,
  prepareForUpdate: (pv) => defaultPersistentVolume(pv),
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: (pv) => validatePersistentVolumeStatus(pv),
  fields: (pv) => ({ 'status.phase': pv.status?.phase, 'spec.storageClassName': pv.spec?.storageClassName }),
};
