/**
 * core/v1 kinds this project serves: Namespace, Node, Pod, PersistentVolume,
 * PersistentVolumeClaim, Event, plus Binding (the pods/binding body).
 * Phases and reasons are literal unions exported as constants.
 */
import type { KubeObject, LabelSelector, StringMap } from '../meta';

/** Resource amounts as Kubernetes quantities (`500Mi`, `2Gi`). */
export type ResourceList = Record<string, string>;

/** A reference to another object (PV claimRef, Event involvedObject). */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** The access modes a volume can be mounted with. */
export const AccessMode = {
  ReadWriteOnce: 'ReadWriteOnce',
  ReadOnlyMany: 'ReadOnlyMany',
  ReadWriteMany: 'ReadWriteMany',
  ReadWriteOncePod: 'ReadWriteOncePod',
} as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

/** What happens to a PV once its claim is deleted. */
export const ReclaimPolicy = { Retain: 'Retain', Delete: 'Delete', Recycle: 'Recycle' } as const;
export type ReclaimPolicy = (typeof ReclaimPolicy)[keyof typeof ReclaimPolicy];

// ---------------------------------------------------------------- Namespace

/** Conditions the namespace controller reports on a namespace being deleted, and their reasons. */
export const NamespaceConditionType = {
  ContentFailure: 'NamespaceDeletionContentFailure',
  ContentRemaining: 'NamespaceContentRemaining',
  FinalizersRemaining: 'NamespaceFinalizersRemaining',
} as const;
export type NamespaceConditionType = (typeof NamespaceConditionType)[keyof typeof NamespaceConditionType];
export const NamespaceConditionReason = {
  ContentDeletionFailed: 'ContentDeletionFailed',
  ContentDeleted: 'ContentDeleted',
  SomeResourcesRemain: 'SomeResourcesRemain',
  ContentRemoved: 'ContentRemoved',
  SomeFinalizersRemain: 'SomeFinalizersRemain',
  ContentHasNoFinalizers: 'ContentHasNoFinalizers',
} as const;

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The StatusCause reason of a create refused because its namespace is being deleted. */
export const NamespaceTerminatingCause = 'NamespaceTerminating';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating'; conditions?: NamespaceCondition[] };
}

// ---------------------------------------------------------------- Node

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname';
  address: string;
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; podCIDR?: string };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    conditions?: NodeCondition[];
    addresses?: NodeAddress[];
    daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
    nodeInfo?: Record<string, string>;
  };
}

// ---------------------------------------------------------------- Volumes

export interface HostPathVolumeSource {
  path: string;
  type?: string;
}

export interface NFSVolumeSource {
  server: string;
  path: string;
  readOnly?: boolean;
}

/**
 * A directory on one node (Kubernetes' LocalVolumeSource): static only, the PV must say which
 * node by `nodeAffinity`. `fsType` applies to block devices, which this project does not use.
 */
export interface LocalVolumeSource {
  /** Absolute path of the directory on the node (under one of that kubelet's --local-volume-roots). */
  path: string;
  fsType?: string;
}

/** A volume handled by a driver named by the PV (Kubernetes' CSIPersistentVolumeSource). */
export interface CSIPersistentVolumeSource {
  /** The driver's name (a registered driver of this cluster's binaries). */
  driver: string;
  /** The driver's own id of the volume. */
  volumeHandle: string;
  readOnly?: boolean;
  fsType?: string;
  volumeAttributes?: Record<string, string>;
}

/** The volume sources of a PV spec (exactly one is set). */
export type PersistentVolumeSource = Pick<PersistentVolumeSpec, 'hostPath' | 'nfs' | 'local' | 'csi'>;

export interface PersistentVolumeClaimVolumeSource {
  claimName: string;
  readOnly?: boolean;
}

/** A pod volume: in this project only persistentVolumeClaim is allowed (validation enforces it). */
export interface Volume {
  name: string;
  persistentVolumeClaim?: PersistentVolumeClaimVolumeSource;
  [otherSource: string]: unknown;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** One term of a node selector: every requirement must hold (matchFields only knows `metadata.name`). */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** Terms ORed together. */
export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface VolumeNodeAffinity {
  required?: NodeSelector;
}

/** A pod's node affinity (only the required part constrains scheduling here; preferred is accepted and ignored). */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
}

/** A pod's scheduling constraints (podAffinity / podAntiAffinity are accepted and ignored). */
export interface Affinity {
  nodeAffinity?: NodeAffinity;
  [other: string]: unknown;
}

export const PersistentVolumePhase = {
  Pending: 'Pending',
  Available: 'Available',
  Bound: 'Bound',
  Released: 'Released',
  Failed: 'Failed',
} as const;
export type PersistentVolumePhase = (typeof PersistentVolumePhase)[keyof typeof PersistentVolumePhase];

export interface PersistentVolumeSpec {
  capacity?: ResourceList;
  accessModes?: AccessMode[];
  hostPath?: HostPathVolumeSource;
  nfs?: NFSVolumeSource;
  local?: LocalVolumeSource;
  csi?: CSIPersistentVolumeSource;
  claimRef?: ObjectReference;
  persistentVolumeReclaimPolicy?: ReclaimPolicy;
  storageClassName?: string;
  mountOptions?: string[];
  volumeMode?: 'Filesystem' | 'Block';
  nodeAffinity?: VolumeNodeAffinity;
}

export interface PersistentVolume extends KubeObject {
  spec: PersistentVolumeSpec;
  status?: { phase?: PersistentVolumePhase; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export const PersistentVolumeClaimPhase = {
  Pending: 'Pending',
  Bound: 'Bound',
  Lost: 'Lost',
  Failed: 'Failed',
} as const;
export type PersistentVolumeClaimPhase = (typeof PersistentVolumeClaimPhase)[keyof typeof PersistentVolumeClaimPhase];

export interface PersistentVolumeClaimCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface PersistentVolumeClaimSpec {
  accessModes?: AccessMode[];
  selector?: LabelSelector;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  volumeName?: string;
  storageClassName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  /** What to fill a new volume with: a VolumeSnapshot (snapshot.storage.k8s.io) or a PersistentVolumeClaim (core). */
  dataSource?: TypedLocalObjectReference;
  /** The same, possibly naming another namespace (not supported here: it must be the claim's). */
  dataSourceRef?: TypedObjectReference;
}

/** A reference to an object in the same namespace (apiGroup empty: the core group). */
export interface TypedLocalObjectReference {
  apiGroup?: string;
  kind: string;
  name: string;
}

/** A TypedLocalObjectReference that may name a namespace. */
export interface TypedObjectReference extends TypedLocalObjectReference {
  namespace?: string;
}

/** Types of claim conditions Kubernetes' resizers set (PersistentVolumeClaimConditionType). */
export const PersistentVolumeClaimConditionType = {
  /** The controller side of an expansion is under way. */
  Resizing: 'Resizing',
  /** The controller side is done; the node (kubelet) must finish it. */
  FileSystemResizePending: 'FileSystemResizePending',
  /** The controller resize failed (kept for describe; Kubernetes sets it on some failures). */
  ControllerResizeError: 'ControllerResizeError',
  /** The node resize failed. */
  NodeResizeError: 'NodeResizeError',
} as const;
export type PersistentVolumeClaimConditionType =
  (typeof PersistentVolumeClaimConditionType)[keyof typeof PersistentVolumeClaimConditionType];

/** Values of `status.allocatedResourceStatuses[storage]` (Kubernetes' ClaimResourceStatus). */
export const ClaimResourceStatus = {
  ControllerResizeInProgress: 'ControllerResizeInProgress',
  ControllerResizeInfeasible: 'ControllerResizeInfeasible',
  NodeResizePending: 'NodeResizePending',
  NodeResizeInProgress: 'NodeResizeInProgress',
  NodeResizeInfeasible: 'NodeResizeInfeasible',
} as const;
export type ClaimResourceStatus = (typeof ClaimResourceStatus)[keyof typeof ClaimResourceStatus];

/** A claim's status. */
export interface PersistentVolumeClaimStatus {
  phase?: PersistentVolumeClaimPhase;
  accessModes?: AccessMode[];
  capacity?: ResourceList;
  conditions?: PersistentVolumeClaimCondition[];
  /** What an expansion has allocated (may exceed capacity while it runs; quota counts the larger). */
  allocatedResources?: ResourceList;
  /** Per resource, where its resize is (only `storage` here). */
  allocatedResourceStatuses?: Record<string, ClaimResourceStatus>;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: PersistentVolumeClaimSpec;
  status?: PersistentVolumeClaimStatus;
}

// ---------------------------------------------------------------- Pod

export interface EnvVar {
  name: string;
  value?: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  volumeMounts?: VolumeMount[];
  ports?: { containerPort: number; protocol?: string; name?: string }[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  /** Keep a stdin open for the main process (what `kubectl attach -i` writes to). */
  stdin?: boolean;
  /** Close that stdin when the first attached client detaches (`kubectl run -i --rm`). */
  stdinOnce?: boolean;
  /** Run the main process under a TTY (needs `stdin` to be useful; output is one raw stream). */
  tty?: boolean;
}

export const RestartPolicy = { Always: 'Always', OnFailure: 'OnFailure', Never: 'Never' } as const;
export type RestartPolicy = (typeof RestartPolicy)[keyof typeof RestartPolicy];

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  nodeName?: string;
  nodeSelector?: StringMap;
  affinity?: Affinity;
  restartPolicy?: RestartPolicy;
  terminationGracePeriodSeconds?: number;
  schedulerName?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  [otherField: string]: unknown;
}

export const PodPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
} as const;
export type PodPhase = (typeof PodPhase)[keyof typeof PodPhase];

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  state?: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
}

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

/** Body of POST pods/{name}/binding: assigns the pod to a node. */
export interface Binding extends KubeObject {
  target: ObjectReference;
}

// ---------------------------------------------------------------- Event

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface Event extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  count?: number;
  type?: EventType;
  reportingComponent?: string;
  reportingInstance?: string;
}
