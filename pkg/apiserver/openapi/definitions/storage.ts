/** storage.k8s.io/v1 StorageClass schemas. */
import {
  bool,
  freeForm,
  kind,
  list,
  listKind,
  objectHeader,
  oneOf,
  str,
  stringMap,
  strings,
  storageName,
  type Components,
  type GroupVersionKind,
} from '../schema';

const gvk: GroupVersionKind = { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' };

/** StorageClass and StorageClassList. */
export const storageSchemas: Components = {
  [storageName('StorageClass')]: kind(
    gvk,
    'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.\n\nStorageClasses are non-namespaced; the name of the storage class according to etcd is in ObjectMeta.Name.',
    {
      ...objectHeader(),
      allowVolumeExpansion: bool('allowVolumeExpansion shows whether the storage class allow volume expand.'),
      allowedTopologies: list(
        freeForm('A topology selector term represents the result of label queries.'),
        'allowedTopologies restrict the node topologies where volumes can be dynamically provisioned. An empty TopologySelectorTerm list means there is no topology restriction.',
      ),
      mountOptions: strings(
        'mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class. e.g. ["ro", "soft"]. Not validated - mount of the PVs will simply fail if one is invalid.',
      ),
      parameters: stringMap(
        'parameters holds the parameters for the provisioner that should create volumes of this storage class.',
      ),
      provisioner: str('provisioner indicates the type of the provisioner.'),
      reclaimPolicy: oneOf(
        'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
        ['Delete', 'Recycle', 'Retain'],
      ),
      volumeBindingMode: oneOf(
        'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.',
        ['Immediate', 'WaitForFirstConsumer'],
      ),
    },
    { required: ['provisioner'] },
  ),
  [storageName('StorageClassList')]: listKind(
    gvk,
    storageName('StorageClass'),
    'StorageClassList is a collection of storage classes.',
  ),
};
