/** core/v1 schemas of Namespace, Node, Event, Binding and ObjectReference. */
import {
  bool,
  coreGvk,
  coreName,
  freeForm,
  int32,
  int64,
  kind,
  list,
  listKind,
  microTime,
  objectHeader,
  oneOf,
  quantities,
  ref,
  refOnly,
  str,
  strings,
  struct,
  time,
  type Components,
} from '../schema';

const condition = (what: string, heartbeat: boolean) =>
  struct(
    `${what}Condition contains details for the current condition of this ${what.toLowerCase()}.`,
    {
      ...(heartbeat ? { lastHeartbeatTime: time('Last time we got an update on a given condition.') } : {}),
      lastTransitionTime: time('Last time the condition transit from one status to another.'),
      message: str('Human readable message indicating details about last transition.'),
      reason: str("(brief) reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.'),
      type: str(`Type of ${what.toLowerCase()} condition.`),
    },
    { required: ['type', 'status'] },
  );

/** core/v1 kinds other than pods and volumes. */
export const coreMiscSchemas: Components = {
  [coreName('ObjectReference')]: struct(
    'ObjectReference contains enough information to let you inspect or modify the referred object.',
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str(
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      ),
      kind: str(
        'Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      ),
      name: str(
        'Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names',
      ),
      namespace: str(
        'Namespace of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
      ),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str(
        'UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#uids',
      ),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('NamespaceSpec')]: struct('NamespaceSpec describes the attributes on a Namespace.', {
    finalizers: strings(
      'Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/',
    ),
  }),
  [coreName('NamespaceCondition')]: condition('Namespace', false),
  [coreName('NamespaceStatus')]: struct('NamespaceStatus is information about the current status of a Namespace.', {
    conditions: list(
      refOnly(coreName('NamespaceCondition')),
      "Represents the latest available observations of a namespace's current state.",
      { mergeKey: 'type' },
    ),
    phase: oneOf(
      'Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/',
      ['Active', 'Terminating'],
    ),
  }),
  [coreName('Namespace')]: kind(
    coreGvk('Namespace'),
    'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
    {
      ...objectHeader(),
      spec: ref(coreName('NamespaceSpec'), 'Spec defines the behavior of the Namespace.'),
      status: ref(coreName('NamespaceStatus'), 'Status describes the current status of a Namespace.'),
    },
  ),
  [coreName('NamespaceList')]: listKind(
    coreGvk('Namespace'),
    coreName('Namespace'),
    'NamespaceList is a list of Namespaces.',
  ),

  [coreName('Taint')]: struct(
    'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.',
    {
      effect: oneOf(
        'Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.',
        ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      ),
      key: str('Required. The taint key to be applied to a node.'),
      timeAdded: time('TimeAdded represents the time at which the taint was added.'),
      value: str('The taint value corresponding to the taint key.'),
    },
    { required: ['key', 'effect'] },
  ),
  [coreName('NodeSpec')]: struct('NodeSpec describes the attributes that a node is created with.', {
    configSource: freeForm(
      "Deprecated: Previously used to specify the source of the node's configuration for the DynamicKubeletConfig feature.",
    ),
    externalID: str('Deprecated. Not all kubelets will set this field.'),
    podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'),
    podCIDRs: strings('podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.', {
      strategy: 'merge',
    }),
    providerID: str(
      'ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>',
    ),
    taints: list(refOnly(coreName('Taint')), "If specified, the node's taints."),
    unschedulable: bool(
      'Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration',
    ),
  }),
  [coreName('NodeCondition')]: condition('Node', true),
  [coreName('NodeAddress')]: struct(
    "NodeAddress contains information for the node's address.",
    {
      address: str('The node address.'),
      type: str('Node address type, one of Hostname, ExternalIP or InternalIP.'),
    },
    { required: ['type', 'address'] },
  ),
  [coreName('DaemonEndpoint')]: struct(
    'DaemonEndpoint contains information about a single Daemon endpoint.',
    {
      Port: int32('Port number of the given endpoint.'),
    },
    { required: ['Port'] },
  ),
  [coreName('NodeDaemonEndpoints')]: struct('NodeDaemonEndpoints lists ports opened by daemons running on the Node.', {
    kubeletEndpoint: ref(coreName('DaemonEndpoint'), 'Endpoint on which Kubelet is listening.'),
  }),
  [coreName('NodeSystemInfo')]: struct('NodeSystemInfo is a set of ids/uuids to uniquely identify the node.', {
    architecture: str('The Architecture reported by the node'),
    bootID: str('Boot ID reported by the node.'),
    containerRuntimeVersion: str(
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
    ),
    kernelVersion: str("Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    kubeProxyVersion: str('Deprecated: KubeProxy Version reported by the node.'),
    kubeletVersion: str('Kubelet Version reported by the node.'),
    machineID: str(
      'MachineID reported by the node. For unique machine identification in the cluster this field is preferred.',
    ),
    operatingSystem: str('The Operating System reported by the node'),
    osImage: str('OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    swap: freeForm('Swap Info reported by the node.'),
    systemUUID: str('SystemUUID reported by the node.'),
  }),
  [coreName('ContainerImage')]: struct('Describe a container image', {
    names: strings(
      'Names by which this image is known. e.g. ["kubernetes.example/hyperkube:v1.0.7", "cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7"]',
    ),
    sizeBytes: int64('The size of the image in bytes.'),
  }),
  [coreName('AttachedVolume')]: struct(
    'AttachedVolume describes a volume attached to a node',
    {
      devicePath: str('DevicePath represents the device path where the volume should be available'),
      name: str('Name of the attached volume'),
    },
    { required: ['name', 'devicePath'] },
  ),
  [coreName('NodeStatus')]: struct('NodeStatus is information about the current status of a node.', {
    addresses: list(
      refOnly(coreName('NodeAddress')),
      'List of addresses reachable to the node. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses',
      { mergeKey: 'type' },
    ),
    allocatable: quantities(
      'Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.',
    ),
    capacity: quantities(
      'Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity',
    ),
    conditions: list(
      refOnly(coreName('NodeCondition')),
      'Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition',
      { mergeKey: 'type' },
    ),
    config: freeForm('Status of the config assigned to the node via the dynamic Kubelet config feature.'),
    daemonEndpoints: ref(coreName('NodeDaemonEndpoints'), 'Endpoints of daemons running on the Node.'),
    features: freeForm('Features describes the set of features implemented by the CRI implementation.'),
    images: list(refOnly(coreName('ContainerImage')), 'List of container images on this node'),
    nodeInfo: ref(
      coreName('NodeSystemInfo'),
      'Set of ids/uuids to uniquely identify the node. More info: https://kubernetes.io/docs/reference/node/node-status/#info',
    ),
    phase: str(
      'NodePhase is the recently observed lifecycle phase of the node. The field is never populated, and now is deprecated.',
    ),
    runtimeHandlers: list(
      freeForm('NodeRuntimeHandler is a set of runtime handler information.'),
      'The available runtime handlers.',
    ),
    volumesAttached: list(refOnly(coreName('AttachedVolume')), 'List of volumes that are attached to the node.'),
    volumesInUse: strings('List of attachable volumes in use (mounted) by the node.'),
  }),
  [coreName('Node')]: kind(
    coreGvk('Node'),
    'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).',
    {
      ...objectHeader(),
      spec: ref(
        coreName('NodeSpec'),
        'Spec defines the behavior of a node. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
      ),
      status: ref(
        coreName('NodeStatus'),
        'Most recently observed status of the node. Populated by the system. Read-only.',
      ),
    },
  ),
  [coreName('NodeList')]: listKind(
    coreGvk('Node'),
    coreName('Node'),
    'NodeList is the whole list of all Nodes which have been registered with master.',
  ),

  [coreName('EventSource')]: struct('EventSource contains information for an event.', {
    component: str('Component from which the event is generated.'),
    host: str('Node name on which the event is generated.'),
  }),
  [coreName('EventSeries')]: struct(
    'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.',
    {
      count: int32('Number of occurrences in this series up to the last heartbeat time'),
      lastObservedTime: microTime('Time of the last occurrence observed'),
    },
  ),
  [coreName('Event')]: kind(
    coreGvk('Event'),
    'Event is a report of an event somewhere in the cluster.',
    {
      ...objectHeader(),
      action: str('What action was taken/failed regarding to the Regarding object.'),
      count: int32('The number of times this event has occurred.'),
      eventTime: microTime('Time when this Event was first observed.'),
      firstTimestamp: time('The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
      involvedObject: ref(coreName('ObjectReference'), 'The object that this event is about.'),
      lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
      message: str('A human-readable description of the status of this operation.'),
      reason: str(
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      related: ref(coreName('ObjectReference'), 'Optional secondary object for more complex actions.'),
      reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
      reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.'),
      series: ref(
        coreName('EventSeries'),
        "Data about the Event series this event represents or nil if it's a singleton Event.",
      ),
      source: ref(
        coreName('EventSource'),
        'The component reporting this event. Should be a short machine understandable string.',
      ),
      type: str('Type of this event (Normal, Warning), new types could be added in the future'),
    },
    { required: ['metadata', 'involvedObject'] },
  ),
  [coreName('EventList')]: listKind(coreGvk('Event'), coreName('Event'), 'EventList is a list of events.'),
  [coreName('Binding')]: kind(
    coreGvk('Binding'),
    'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
    {
      ...objectHeader(),
      target: ref(coreName('ObjectReference'), 'The target object that you want to bind to the standard object.'),
    },
    { required: ['target'] },
  ),
};
