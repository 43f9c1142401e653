/** core/v1 schemas of storage: PersistentVolume, PersistentVolumeClaim and volume sources. */
import { supportedHostPathTypes } from '../../../api/validation/persistentvolume';
import {
  bool,
  coreGvk,
  coreName,
  freeForm,
  kind,
  list,
  listKind,
  metaName,
  objectHeader,
  oneOf,
  quantities,
  quantityName,
  ref,
  refOnly,
  str,
  stringMap,
  strings,
  struct,
  time,
  type Components,
} from '../schema';

const accessModes = (what: string) =>
  strings(
    `accessModes contains the desired access modes the ${what} should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1`,
  );

const volumeMode = (what: string) =>
  oneOf(
    `volumeMode defines what type of volume is required by the ${what}. Value of Filesystem is implied when not included.`,
    ['Block', 'Filesystem'],
  );

/** Volume sources a PersistentVolume or a pod volume may name. */
export const volumeSourceSchemas: Components = {
  [coreName('HostPathVolumeSource')]: struct(
    'Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.',
    {
      path: str(
        'path of the directory on the host. If the path is a symlink, it will follow the link to the real path. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
      ),
      type: oneOf(
        'type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
        supportedHostPathTypes,
      ),
    },
    { required: ['path'] },
  ),
  [coreName('NFSVolumeSource')]: struct(
    'Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.',
    {
      path: str(
        'path that is exported by the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs',
      ),
      readOnly: bool(
        'readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false.',
      ),
      server: str(
        'server is the hostname or IP address of the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs',
      ),
    },
    { required: ['server', 'path'] },
  ),
  [coreName('CSIPersistentVolumeSource')]: struct(
    'A volume handled by a volume driver the PersistentVolume names.',
    {
      driver: str('driver is the name of the volume driver handling this volume. Required.'),
      fsType: str('fsType is the filesystem type the driver should mount.'),
      readOnly: bool('readOnly makes the volume read-only in every pod (default false).'),
      volumeAttributes: stringMap('volumeAttributes are driver-specific attributes of the volume.'),
      volumeHandle: str("volumeHandle is the driver's own id of the volume. Required."),
    },
    { required: ['driver', 'volumeHandle'] },
  ),
  [coreName('LocalVolumeSource')]: struct(
    'Local represents directly-attached storage with node affinity',
    {
      fsType: str('fsType is the filesystem type to mount. It applies only when the Path is a block device.'),
      path: str(
        'path of the full path to the volume on the node. It can be either a directory or block device (disk, partition, ...).',
      ),
    },
    { required: ['path'] },
  ),
  [coreName('PersistentVolumeClaimVolumeSource')]: struct(
    "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace. This volume finds the bound PV and mounts that volume for the pod.",
    {
      claimName: str(
        'claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
      ),
      readOnly: bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
    },
    { required: ['claimName'] },
  ),
  [coreName('EmptyDirVolumeSource')]: struct(
    'Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.',
    {
      medium: str(
        'medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium. Must be an empty string (default) or Memory.',
      ),
      sizeLimit: ref(quantityName, 'sizeLimit is the total amount of local storage required for this EmptyDir volume.'),
    },
  ),
  [coreName('NodeSelectorRequirement')]: struct(
    'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    {
      key: str('The label key that the selector applies to.'),
      operator: oneOf(
        "Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.",
        ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
      ),
      values: strings(
        'An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.',
      ),
    },
    { required: ['key', 'operator'] },
  ),
  [coreName('NodeSelectorTerm')]: struct(
    'A null or empty node selector term matches no objects. The requirements of them are ANDed.',
    {
      matchExpressions: list(
        refOnly(coreName('NodeSelectorRequirement')),
        "A list of node selector requirements by node's labels.",
      ),
      matchFields: list(
        refOnly(coreName('NodeSelectorRequirement')),
        "A list of node selector requirements by node's fields.",
      ),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('NodeSelector')]: struct(
    'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.',
    {
      nodeSelectorTerms: list(
        refOnly(coreName('NodeSelectorTerm')),
        'Required. A list of node selector terms. The terms are ORed.',
      ),
    },
    { required: ['nodeSelectorTerms'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('VolumeNodeAffinity')]: struct(
    'VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from.',
    {
      required: ref(coreName('NodeSelector'), 'required specifies hard node constraints that must be met.'),
    },
  ),
  [coreName('TypedLocalObjectReference')]: struct(
    'TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.',
    {
      apiGroup: str(
        'APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group.',
      ),
      kind: str('Kind is the type of resource being referenced'),
      name: str('Name is the name of resource being referenced'),
    },
    { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('TypedObjectReference')]: struct(
    'TypedObjectReference contains enough information to let you locate the typed referenced object',
    {
      apiGroup: str('APIGroup is the group for the resource being referenced.'),
      kind: str('Kind is the type of resource being referenced'),
      name: str('Name is the name of resource being referenced'),
      namespace: str('Namespace is the namespace of resource being referenced'),
    },
    { required: ['kind', 'name'] },
  ),
  [coreName('VolumeResourceRequirements')]: struct(
    'VolumeResourceRequirements describes the storage resource requirements for a volume.',
    {
      limits: quantities(
        'Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      ),
      requests: quantities(
        'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      ),
    },
  ),
};

/** PersistentVolume and PersistentVolumeClaim. */
export const persistentVolumeSchemas: Components = {
  [coreName('PersistentVolumeSpec')]: struct('PersistentVolumeSpec is the specification of a persistent volume.', {
    accessModes: accessModes('volume'),
    capacity: quantities(
      "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
    ),
    claimRef: ref(
      coreName('ObjectReference'),
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
      { 'x-kubernetes-map-type': 'granular' },
    ),
    csi: ref(
      coreName('CSIPersistentVolumeSource'),
      'csi represents storage that is handled by an external CSI driver.',
    ),
    hostPath: ref(
      coreName('HostPathVolumeSource'),
      'hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
    ),
    local: ref(coreName('LocalVolumeSource'), 'local represents directly-attached storage with node affinity'),
    mountOptions: strings(
      'mountOptions is the list of mount options, e.g. ["ro", "soft"]. Not validated - mount will simply fail if one is invalid. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#mount-options',
    ),
    nfs: ref(
      coreName('NFSVolumeSource'),
      'nfs represents an NFS mount on the host. Provisioned by an admin. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs',
    ),
    nodeAffinity: ref(
      coreName('VolumeNodeAffinity'),
      'nodeAffinity defines constraints that limit what nodes this volume can be accessed from. This field influences the scheduling of pods that use this volume.',
    ),
    persistentVolumeReclaimPolicy: oneOf(
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming',
      ['Delete', 'Recycle', 'Retain'],
    ),
    storageClassName: str(
      'storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass.',
    ),
    volumeAttributesClassName: str('Name of VolumeAttributesClass to which this persistent volume belongs.'),
    volumeMode: volumeMode('persistent volume'),
  }),
  [coreName('PersistentVolumeStatus')]: struct('PersistentVolumeStatus is the current status of a persistent volume.', {
    lastPhaseTransitionTime: time(
      'lastPhaseTransitionTime is the time the phase transitioned from one to another and automatically resets to current time everytime a volume phase transitions.',
    ),
    message: str('message is a human-readable message indicating details about why the volume is in this state.'),
    phase: oneOf(
      'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase',
      ['Available', 'Bound', 'Failed', 'Pending', 'Released'],
    ),
    reason: str(
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    ),
  }),
  [coreName('PersistentVolume')]: kind(
    coreGvk('PersistentVolume'),
    'PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes',
    {
      ...objectHeader(),
      spec: ref(
        coreName('PersistentVolumeSpec'),
        'spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
      ),
      status: ref(
        coreName('PersistentVolumeStatus'),
        'status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
      ),
    },
  ),
  [coreName('PersistentVolumeList')]: listKind(
    coreGvk('PersistentVolume'),
    coreName('PersistentVolume'),
    'PersistentVolumeList is a list of PersistentVolume items.',
  ),
  [coreName('PersistentVolumeClaimSpec')]: struct(
    'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes',
    {
      accessModes: accessModes('volume'),
      dataSource: ref(
        coreName('TypedLocalObjectReference'),
        'dataSource field can be used to specify either an existing VolumeSnapshot object or an existing PVC.',
      ),
      dataSourceRef: ref(
        coreName('TypedObjectReference'),
        'dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired.',
      ),
      resources: ref(
        coreName('VolumeResourceRequirements'),
        'resources represents the minimum resources the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources',
      ),
      selector: ref(metaName('LabelSelector'), 'selector is a label query over volumes to consider for binding.'),
      storageClassName: str(
        'storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1',
      ),
      volumeAttributesClassName: str(
        'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.',
      ),
      volumeMode: volumeMode('claim'),
      volumeName: str('volumeName is the binding reference to the PersistentVolume backing this claim.'),
    },
  ),
  [coreName('PersistentVolumeClaimCondition')]: struct(
    'PersistentVolumeClaimCondition contains details about state of pvc',
    {
      lastProbeTime: time('lastProbeTime is the time we probed the condition.'),
      lastTransitionTime: time('lastTransitionTime is the time the condition transitioned from one status to another.'),
      message: str('message is the human-readable message indicating details about last transition.'),
      reason: str(
        "reason is a unique, this should be a short, machine understandable string that gives the reason for condition's last transition.",
      ),
      status: str('Status is the status of the condition. Can be True, False, Unknown.'),
      type: str('Type is the type of the condition.'),
    },
    { required: ['type', 'status'] },
  ),
  [coreName('PersistentVolumeClaimStatus')]: struct(
    'PersistentVolumeClaimStatus is the current status of a persistent volume claim.',
    {
      accessModes: accessModes('volume backing the PVC'),
      allocatedResourceStatuses: stringMap(
        'allocatedResourceStatuses stores status of resource being resized for the given PVC.',
        'granular',
      ),
      allocatedResources: quantities(
        'allocatedResources tracks the resources allocated to a PVC including its capacity.',
      ),
      capacity: quantities('capacity represents the actual resources of the underlying volume.'),
      conditions: list(
        refOnly(coreName('PersistentVolumeClaimCondition')),
        "conditions is the current Condition of persistent volume claim. If underlying persistent volume is being resized then the Condition will be set to 'Resizing'.",
        { mergeKey: 'type' },
      ),
      currentVolumeAttributesClassName: str(
        'currentVolumeAttributesClassName is the current name of the VolumeAttributesClass the PVC is using.',
      ),
      modifyVolumeStatus: freeForm(
        'ModifyVolumeStatus represents the status object of ControllerModifyVolume operation.',
      ),
      phase: oneOf('phase represents the current phase of PersistentVolumeClaim.', [
        'Bound',
        'Lost',
        'Pending',
        'Failed',
      ]),
    },
  ),
  [coreName('PersistentVolumeClaim')]: kind(
    coreGvk('PersistentVolumeClaim'),
    "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
    {
      ...objectHeader(),
      spec: ref(
        coreName('PersistentVolumeClaimSpec'),
        'spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
      ),
      status: ref(
        coreName('PersistentVolumeClaimStatus'),
        'status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
      ),
    },
  ),
  [coreName('PersistentVolumeClaimList')]: listKind(
    coreGvk('PersistentVolumeClaim'),
    coreName('PersistentVolumeClaim'),
    'PersistentVolumeClaimList is a list of PersistentVolumeClaim items.',
  ),
};
