/**
 * apps/v1 StatefulSet and ControllerRevision schemas, with core/v1 PodTemplateSpec (the set's
 * template) and runtime.RawExtension (a revision's data), as Kubernetes publishes them.
 */
import {
  coreName,
  freeForm,
  int32,
  int64,
  intOrStringName,
  kind,
  list,
  listKind,
  metaName,
  objectHeader,
  oneOf,
  ref,
  refOnly,
  str,
  struct,
  time,
  type Components,
  type GroupVersionKind,
} from '../schema';

/** The component name of an apps/v1 schema. */
export const appsName = (n: string): string => `io.k8s.api.apps.v1.${n}`;
/** The component name of runtime.RawExtension. */
export const rawExtensionName = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

const statefulSet: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
const controllerRevision: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'ControllerRevision' };
const conventions = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

const specSchema = struct(
  'A StatefulSetSpec is the specification of a StatefulSet.',
  {
    minReadySeconds: int32(
      'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)',
    ),
    ordinals: ref(
      appsName('StatefulSetOrdinals'),
      'ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a "0" index to the first replica and increments the index by one for each additional replica requested.',
    ),
    persistentVolumeClaimRetentionPolicy: ref(
      appsName('StatefulSetPersistentVolumeClaimRetentionPolicy'),
      'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down.',
    ),
    podManagementPolicy: oneOf(
      'podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`, where pods are created in increasing order (pod-0, then pod-1, etc) and the controller will wait until each pod is ready before continuing. When scaling down, the pods are removed in the opposite order. The alternative policy is `Parallel` which will create pods in parallel to match the desired scale without waiting, and on scale down will delete all pods at once.\n\nPossible enum values:\n - `"OrderedReady"` will create pods in strictly increasing order on scale up and strictly decreasing order on scale down, progressing only when the previous pod is ready or terminated. At most one pod will be changed at any time.\n - `"Parallel"` will create and delete pods as soon as the stateful set replica count is changed, and will not wait for pods to be ready or complete termination.',
      ['OrderedReady', 'Parallel'],
    ),
    replicas: int32(
      'replicas is the desired number of replicas of the given Template. These are replicas in the sense that they are instantiations of the same Template, but individual replicas also have a consistent identity. If unspecified, defaults to 1.',
    ),
    revisionHistoryLimit: int32(
      "revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. The revision history consists of all revisions not represented by a currently applied StatefulSetSpec version. The default value is 10.",
    ),
    selector: ref(
      metaName('LabelSelector'),
      "selector is a label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ),
    serviceName: str(
      'serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set. Pods get DNS/hostnames that follow the pattern: pod-specific-string.serviceName.default.svc.cluster.local where "pod-specific-string" is managed by the StatefulSet controller. (Accepted and stored; this server has no Services.)',
    ),
    template: ref(
      coreName('PodTemplateSpec'),
      'template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>. For example, a pod in a StatefulSet named "web" with index number "3" would be named "web-3". The only allowed template.spec.restartPolicy value is "Always".',
    ),
    updateStrategy: ref(
      appsName('StatefulSetUpdateStrategy'),
      'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.',
    ),
    volumeClaimTemplates: list(
      refOnly(coreName('PersistentVolumeClaim')),
      'volumeClaimTemplates is a list of claims that pods are allowed to reference. The StatefulSet controller is responsible for mapping network identities to claims in a way that maintains the identity of a pod. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template. A claim in this list takes precedence over any volumes in the template, with the same name.',
      { listType: 'atomic' },
    ),
  },
  { required: ['selector', 'template'] },
);

const statusSchema = struct(
  'StatefulSetStatus represents the current state of a StatefulSet.',
  {
    availableReplicas: int32(
      'Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset.',
    ),
    collisionCount: int32(
      'collisionCount is the count of hash collisions for the StatefulSet. The StatefulSet controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ControllerRevision.',
    ),
    conditions: list(
      refOnly(appsName('StatefulSetCondition')),
      "Represents the latest available observations of a statefulset's current state.",
      { mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    ),
    currentReplicas: int32(
      'currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision.',
    ),
    currentRevision: str(
      'currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
    ),
    observedGeneration: int64(
      "observedGeneration is the most recent generation observed for this StatefulSet. It corresponds to the StatefulSet's generation, which is updated on mutation by the API Server.",
    ),
    readyReplicas: int32('readyReplicas is the number of pods created for this StatefulSet with a Ready Condition.'),
    replicas: int32('replicas is the number of Pods created by the StatefulSet controller.'),
    updateRevision: str(
      'updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)',
    ),
    updatedReplicas: int32(
      'updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision.',
    ),
  },
  { required: ['replicas'] },
);

/** StatefulSet and ControllerRevision with their parts, PodTemplateSpec and RawExtension. */
export const appsSchemas: Components = {
  [coreName('PodTemplateSpec')]: struct(
    'PodTemplateSpec describes the data a pod should have when created from a template',
    {
      metadata: ref(metaName('ObjectMeta'), `Standard object's metadata. More info: ${conventions}#metadata`),
      spec: ref(
        coreName('PodSpec'),
        `Specification of the desired behavior of the pod. More info: ${conventions}#spec-and-status`,
      ),
    },
  ),
  [rawExtensionName]: {
    ...freeForm(
      'RawExtension is used to hold extensions in external versions.\n\nTo use this, make a field which has RawExtension as its type in your external, versioned struct, and Object in your internal struct.',
    ),
  },
  [appsName('StatefulSetOrdinals')]: struct(
    'StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet.',
    {
      start: int32(
        "start is the number representing the first replica's index. It may be used to number replicas from an alternate index (eg: 1-indexed) over the default 0-indexed names, or to orchestrate progressive movement of replicas from one StatefulSet to another. If set, replica indices will be in the range:\n  [.spec.ordinals.start, .spec.ordinals.start + .spec.replicas).\nIf unset, defaults to 0. Replica indices will be in the range:\n  [0, .spec.replicas).",
      ),
    },
  ),
  [appsName('StatefulSetPersistentVolumeClaimRetentionPolicy')]: struct(
    'StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates.',
    {
      whenDeleted: str(
        'WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted. The default policy of `Retain` causes PVCs to not be affected by StatefulSet deletion. The `Delete` policy causes those PVCs to be deleted.',
      ),
      whenScaled: str(
        'WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down. The default policy of `Retain` causes PVCs to not be affected by a scaledown. The `Delete` policy causes the associated PVCs for any excess pods above the replica count to be deleted.',
      ),
    },
  ),
  [appsName('RollingUpdateStatefulSetStrategy')]: struct(
    'RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.',
    {
      maxUnavailable: ref(
        intOrStringName,
        'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Absolute number is calculated from percentage by rounding up. This can not be 0. Defaults to 1.',
      ),
      partition: int32(
        'Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. During a rolling update, all pods from ordinal Replicas-1 to Partition are updated. All pods from ordinal Partition-1 to 0 remain untouched. The default value is 0.',
      ),
    },
  ),
  [appsName('StatefulSetUpdateStrategy')]: struct(
    'StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates. It includes any additional parameters necessary to perform the update for the indicated strategy.',
    {
      rollingUpdate: ref(
        appsName('RollingUpdateStatefulSetStrategy'),
        'RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.',
      ),
      type: oneOf(
        'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.\n\nPossible enum values:\n - `"OnDelete"` triggers the legacy behavior. Version tracking and ordered rolling restarts are disabled. Pods are recreated from the StatefulSetSpec when they are manually deleted.\n - `"RollingUpdate"` indicates that update will be applied to all Pods in the StatefulSet with respect to the StatefulSet ordering constraints.',
        ['OnDelete', 'RollingUpdate'],
      ),
    },
  ),
  [appsName('StatefulSetCondition')]: struct(
    'StatefulSetCondition describes the state of a statefulset at a certain point.',
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('A human readable message indicating details about the transition.'),
      reason: str("The reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.'),
      type: str('Type of statefulset condition.'),
    },
    { required: ['type', 'status'] },
  ),
  [appsName('StatefulSetSpec')]: specSchema,
  [appsName('StatefulSetStatus')]: statusSchema,
  [appsName('StatefulSet')]: kind(
    statefulSet,
    'StatefulSet represents a set of pods with consistent identities. Identities are defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as requested.\n\nThe StatefulSet guarantees that a given network identity will always map to the same storage identity.',
    {
      ...objectHeader(),
      spec: ref(appsName('StatefulSetSpec'), 'Spec defines the desired identities of pods in this set.'),
      status: ref(
        appsName('StatefulSetStatus'),
        'Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.',
      ),
    },
  ),
  [appsName('StatefulSetList')]: listKind(
    statefulSet,
    appsName('StatefulSet'),
    'StatefulSetList is a collection of StatefulSets.',
  ),
  [appsName('ControllerRevision')]: kind(
    controllerRevision,
    'ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state. Once a ControllerRevision has been successfully created, it can not be updated. The API Server will fail validation of all requests that attempt to mutate the Data field. ControllerRevisions may, however, be deleted. Note that, due to its use by both the DaemonSet and StatefulSet controllers for update and rollback, this object is beta. However, it may be subject to name and representation changes in future releases, and clients should not depend on its stability. It is primarily for internal use by controllers.',
    {
      ...objectHeader(),
      data: ref(rawExtensionName, 'Data is the serialized representation of the state.'),
      revision: int64('Revision indicates the revision of the state represented by Data.'),
    },
    { required: ['revision'] },
  ),
  [appsName('ControllerRevisionList')]: listKind(
    controllerRevision,
    appsName('ControllerRevision'),
    'ControllerRevisionList is a resource containing a list of ControllerRevision objects.',
  ),
};
