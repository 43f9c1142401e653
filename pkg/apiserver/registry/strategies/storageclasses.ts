/** StorageClass strategy: cluster-scoped, no status; provisioner and parameters immutable. */
import type { StorageClass } from '../../../api/storage/v1';
import { defaultStorageClass } from '../../../api/defaults';
import { storageClasses } from '../../../api/resources';
import { validateStorageClass, validateStorageClassUpdate } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const storageClassStrategy: Strategy<StorageClass> = {
  ...defaultStrategy,
  info: storageClasses,
  hasStatus: false,
  prepareForCreate: (sc) => defaultStorageClass(sc),
  validate: validateStorageClass,
  prepareForUpdate: (sc) => defaultStorageClass(sc),
  validateUpdate: validateStorageClassUpdate,
};
