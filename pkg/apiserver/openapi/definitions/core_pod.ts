/** core/v1 Pod schemas: PodSpec, Container and their parts, PodStatus. */
import {
  bool,
  coreName,
  freeForm,
  int32,
  int64,
  intOrStringName,
  kind,
  list,
  listKind,
  objectHeader,
  oneOf,
  quantities,
  ref,
  refOnly,
  str,
  stringMap,
  strings,
  struct,
  time,
  type Components,
} from '../schema';

const pod = { group: '', version: 'v1', kind: 'Pod' };

const probe = (what: string) =>
  ref(
    coreName('Probe'),
    `Periodic probe of container ${what}. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes`,
  );

/** Container and its parts. */
export const containerSchemas: Components = {
  [coreName('EnvVar')]: struct(
    'EnvVar represents an environment variable present in a Container.',
    {
      name: str('Name of the environment variable. Must be a C_IDENTIFIER.'),
      value: str(
        'Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. Defaults to "".',
      ),
      valueFrom: ref(
        coreName('EnvVarSource'),
        "Source for the environment variable's value. Cannot be used if value is not empty.",
      ),
    },
    { required: ['name'] },
  ),
  [coreName('EnvFromSource')]: struct('EnvFromSource represents the source of a set of ConfigMaps or Secrets', {
    configMapRef: ref(coreName('ConfigMapEnvSource'), 'The ConfigMap to select from'),
    prefix: str('Optional text to prepend to the name of each environment variable. Must be a C_IDENTIFIER.'),
    secretRef: ref(coreName('SecretEnvSource'), 'The Secret to select from'),
  }),
  [coreName('ContainerPort')]: struct(
    'ContainerPort represents a network port in a single container.',
    {
      containerPort: int32(
        "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.",
      ),
      hostIP: str('What host IP to bind the external port to.'),
      hostPort: int32(
        'Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536.',
      ),
      name: str(
        'If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name.',
      ),
      protocol: oneOf('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', ['SCTP', 'TCP', 'UDP']),
    },
    { required: ['containerPort'] },
  ),
  [coreName('VolumeMount')]: struct(
    'VolumeMount describes a mounting of a Volume within a container.',
    {
      mountPath: str("Path within the container at which the volume should be mounted. Must not contain ':'."),
      mountPropagation: str(
        'mountPropagation determines how mounts are propagated from the host to container and the other way around.',
      ),
      name: str('This must match the Name of a Volume.'),
      readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
      recursiveReadOnly: str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively.'),
      subPath: str(
        'Path within the volume from which the container\'s volume should be mounted. Defaults to "" (volume\'s root).',
      ),
      subPathExpr: str("Expanded path within the volume from which the container's volume should be mounted."),
    },
    { required: ['name', 'mountPath'] },
  ),
  [coreName('VolumeDevice')]: struct(
    'volumeDevice describes a mapping of a raw block device within a container.',
    {
      devicePath: str('devicePath is the path inside of the container that the device will be mapped to.'),
      name: str('name must match the name of a persistentVolumeClaim in the pod'),
    },
    { required: ['name', 'devicePath'] },
  ),
  [coreName('ResourceRequirements')]: struct('ResourceRequirements describes the compute resource requirements.', {
    claims: list(
      freeForm('ResourceClaim references one entry in PodSpec.ResourceClaims.'),
      'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.',
      {
        mergeKey: 'name',
      },
    ),
    limits: quantities(
      'Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    ),
    requests: quantities(
      'Requests describes the minimum amount of compute resources required. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    ),
  }),
  [coreName('ExecAction')]: struct('ExecAction describes a "run in container" action.', {
    command: strings(
      "Command is the command line to execute inside the container, the working directory for the command  is root ('/') in the container's filesystem.",
    ),
  }),
  [coreName('HTTPGetAction')]: struct(
    'HTTPGetAction describes an action based on HTTP Get requests.',
    {
      host: str('Host name to connect to, defaults to the pod IP.'),
      httpHeaders: list(
        refOnly(coreName('HTTPHeader')),
        'Custom headers to set in the request. HTTP allows repeated headers.',
      ),
      path: str('Path to access on the HTTP server.'),
      port: ref(
        intOrStringName,
        'Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.',
      ),
      scheme: oneOf('Scheme to use for connecting to the host. Defaults to HTTP.', ['HTTP', 'HTTPS']),
    },
    { required: ['port'] },
  ),
  [coreName('TCPSocketAction')]: struct(
    'TCPSocketAction describes an action based on opening a socket',
    {
      host: str('Optional: Host name to connect to, defaults to the pod IP.'),
      port: ref(intOrStringName, 'Number or name of the port to access on the container.'),
    },
    { required: ['port'] },
  ),
  [coreName('Probe')]: struct(
    'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
    {
      exec: ref(coreName('ExecAction'), 'Exec specifies a command to execute in the container.'),
      failureThreshold: int32(
        'Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1.',
      ),
      grpc: ref(coreName('GRPCAction'), 'GRPC specifies a GRPC HealthCheckRequest.'),
      httpGet: ref(coreName('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
      initialDelaySeconds: int32(
        'Number of seconds after the container has started before liveness probes are initiated.',
      ),
      periodSeconds: int32('How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.'),
      successThreshold: int32(
        'Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1.',
      ),
      tcpSocket: ref(coreName('TCPSocketAction'), 'TCPSocket specifies a connection to a TCP port.'),
      terminationGracePeriodSeconds: int64(
        'Optional duration in seconds the pod needs to terminate gracefully upon probe failure.',
      ),
      timeoutSeconds: int32(
        'Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1.',
      ),
    },
  ),
  [coreName('Capabilities')]: struct('Adds and removes POSIX capabilities from running containers.', {
    add: strings('Added capabilities'),
    drop: strings('Removed capabilities'),
  }),
  [coreName('SecurityContext')]: struct(
    'SecurityContext holds security configuration that will be applied to a container.',
    {
      allowPrivilegeEscalation: bool(
        'AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.',
      ),
      appArmorProfile: ref(
        coreName('AppArmorProfile'),
        'appArmorProfile is the AppArmor options to use by this container.',
      ),
      capabilities: ref(
        coreName('Capabilities'),
        'The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime.',
      ),
      privileged: bool(
        'Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host. Defaults to false.',
      ),
      procMount: str('procMount denotes the type of proc mount to use for the containers.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem. Default is false.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      runAsUser: int64(
        'The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.',
      ),
      seLinuxOptions: ref(coreName('SELinuxOptions'), 'The SELinux context to be applied to the container.'),
      seccompProfile: ref(coreName('SeccompProfile'), 'The seccomp options to use by this container.'),
      windowsOptions: ref(
        coreName('WindowsSecurityContextOptions'),
        'The Windows specific settings applied to all containers.',
      ),
    },
  ),
  [coreName('Container')]: struct(
    'A single application container that you want to run within a pod.',
    {
      args: strings(
        "Arguments to the entrypoint. The container image's CMD is used if this is not provided. Cannot be updated. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell",
      ),
      command: strings(
        "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided. Cannot be updated.",
      ),
      env: list(
        refOnly(coreName('EnvVar')),
        'List of environment variables to set in the container. Cannot be updated.',
        { mergeKey: 'name' },
      ),
      envFrom: list(
        refOnly(coreName('EnvFromSource')),
        'List of sources to populate environment variables in the container.',
      ),
      image: str('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images'),
      imagePullPolicy: oneOf(
        'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated.',
        ['Always', 'IfNotPresent', 'Never'],
      ),
      lifecycle: ref(
        coreName('Lifecycle'),
        'Actions that the management system should take in response to container lifecycle events. Cannot be updated.',
      ),
      livenessProbe: probe('liveness'),
      name: str(
        'Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.',
      ),
      ports: list(refOnly(coreName('ContainerPort')), 'List of ports to expose from the container.', {
        mergeKey: 'containerPort',
        mapKeys: ['containerPort', 'protocol'],
      }),
      readinessProbe: probe('service readiness'),
      resizePolicy: list(
        freeForm('ContainerResizePolicy represents resource resize policy for the container.'),
        'Resources resize policy for the container.',
      ),
      resources: ref(
        coreName('ResourceRequirements'),
        'Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      ),
      restartPolicy: str(
        'RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is "Always".',
      ),
      securityContext: ref(
        coreName('SecurityContext'),
        'SecurityContext defines the security options the container should be run with. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      ),
      startupProbe: probe('startup'),
      stdin: bool(
        'Whether this container should allocate a buffer for stdin in the container runtime. Default is false.',
      ),
      stdinOnce: bool(
        'Whether the container runtime should close the stdin channel after it has been opened by a single attach. Default is false',
      ),
      terminationMessagePath: str(
        "Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log.",
      ),
      terminationMessagePolicy: oneOf('Indicate how the termination message should be populated. Defaults to File.', [
        'FallbackToLogsOnError',
        'File',
      ]),
      tty: bool(
        "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false.",
      ),
      volumeDevices: list(
        refOnly(coreName('VolumeDevice')),
        'volumeDevices is the list of block devices to be used by the container.',
        { mergeKey: 'devicePath' },
      ),
      volumeMounts: list(
        refOnly(coreName('VolumeMount')),
        "Pod volumes to mount into the container's filesystem. Cannot be updated.",
        { mergeKey: 'mountPath' },
      ),
      workingDir: str(
        "Container's working directory. If not specified, the container runtime's default will be used. Cannot be updated.",
      ),
    },
    { required: ['name'] },
  ),
};

/** PodSpec and the pod-level types it references. */
export const podSpecSchemas: Components = {
  [coreName('Volume')]: struct(
    'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
    {
      configMap: ref(
        coreName('ConfigMapVolumeSource'),
        'configMap represents a configMap that should populate this volume',
      ),
      csi: freeForm(
        'csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.',
      ),
      downwardAPI: ref(
        coreName('DownwardAPIVolumeSource'),
        'downwardAPI represents downward API about the pod that should populate this volume',
      ),
      emptyDir: ref(
        coreName('EmptyDirVolumeSource'),
        "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir",
      ),
      ephemeral: freeForm('ephemeral represents a volume that is handled by a cluster storage driver.'),
      hostPath: ref(
        coreName('HostPathVolumeSource'),
        'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container.',
      ),
      name: str(
        'name of the volume. Must be a DNS_LABEL and unique within the pod. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names',
      ),
      nfs: ref(
        coreName('NFSVolumeSource'),
        "nfs represents an NFS mount on the host that shares a pod's lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs",
      ),
      persistentVolumeClaim: ref(
        coreName('PersistentVolumeClaimVolumeSource'),
        'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
      ),
      projected: freeForm('projected items for all in one resources secrets, configmaps, and downward API'),
      secret: ref(
        coreName('SecretVolumeSource'),
        'secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret',
      ),
    },
    { required: ['name'] },
  ),
  [coreName('Toleration')]: struct(
    'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.',
    {
      effect: oneOf('Effect indicates the taint effect to match. Empty means match all taint effects.', [
        'NoExecute',
        'NoSchedule',
        'PreferNoSchedule',
      ]),
      key: str('Key is the taint key that the toleration applies to. Empty means match all taint keys.'),
      operator: oneOf(
        "Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal.",
        ['Equal', 'Exists'],
      ),
      tolerationSeconds: int64(
        'TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint.',
      ),
      value: str('Value is the taint value the toleration matches to.'),
    },
  ),
  [coreName('LocalObjectReference')]: struct(
    'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    {
      name: str(
        'Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names',
      ),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('HostAlias')]: struct(
    "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.",
    {
      hostnames: strings('Hostnames for the above IP address.'),
      ip: str('IP address of the host file entry.'),
    },
    { required: ['ip'] },
  ),
  [coreName('PodSecurityContext')]: struct(
    'PodSecurityContext holds pod-level security attributes and common container settings.',
    {
      appArmorProfile: ref(
        coreName('AppArmorProfile'),
        'appArmorProfile is the AppArmor options to use by the containers in this pod.',
      ),
      fsGroup: int64('A special supplemental group that applies to all containers in a pod.'),
      fsGroupChangePolicy: str(
        'fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod.',
      ),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      seLinuxChangePolicy: str(
        "seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod.",
      ),
      seLinuxOptions: ref(coreName('SELinuxOptions'), 'The SELinux context to be applied to all containers.'),
      seccompProfile: ref(coreName('SeccompProfile'), 'The seccomp options to use by the containers in this pod.'),
      supplementalGroups: list(
        { type: 'integer', format: 'int64' },
        'A list of groups applied to the first process run in each container.',
      ),
      supplementalGroupsPolicy: str('Defines how supplemental groups of the first container processes are calculated.'),
      sysctls: list(refOnly(coreName('Sysctl')), 'Sysctls hold a list of namespaced sysctls used for the pod.'),
      windowsOptions: ref(
        coreName('WindowsSecurityContextOptions'),
        'The Windows specific settings applied to all containers.',
      ),
    },
  ),
  [coreName('PodReadinessGate')]: struct(
    'PodReadinessGate contains the reference to a pod condition',
    {
      conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type."),
    },
    { required: ['conditionType'] },
  ),
  [coreName('PodSpec')]: struct(
    'PodSpec is a description of a pod.',
    {
      activeDeadlineSeconds: int64(
        'Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.',
      ),
      affinity: ref(coreName('Affinity'), "If specified, the pod's scheduling constraints"),
      automountServiceAccountToken: bool(
        'AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.',
      ),
      containers: list(
        refOnly(coreName('Container')),
        'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
        { mergeKey: 'name' },
      ),
      dnsConfig: ref(coreName('PodDNSConfig'), 'Specifies the DNS parameters of a pod.'),
      dnsPolicy: oneOf(
        "Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.",
        ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      ),
      enableServiceLinks: bool(
        "EnableServiceLinks indicates whether information about services should be injected into pod's environment variables. Optional: Defaults to true.",
      ),
      ephemeralContainers: list(
        freeForm('An EphemeralContainer is a temporary container that you may add to an existing Pod.'),
        'List of ephemeral containers run in this pod.',
        { mergeKey: 'name' },
      ),
      hostAliases: list(
        refOnly(coreName('HostAlias')),
        "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified.",
        { mergeKey: 'ip' },
      ),
      hostIPC: bool("Use the host's ipc namespace. Optional: Default to false."),
      hostNetwork: bool("Host networking requested for this pod. Use the host's network namespace. Default to false."),
      hostPID: bool("Use the host's pid namespace. Optional: Default to false."),
      hostUsers: bool("Use the host's user namespace. Optional: Default to true."),
      hostname: str(
        "Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value.",
      ),
      imagePullSecrets: list(
        refOnly(coreName('LocalObjectReference')),
        'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec.',
        { mergeKey: 'name' },
      ),
      initContainers: list(
        refOnly(coreName('Container')),
        'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.',
        { mergeKey: 'name' },
      ),
      nodeName: str(
        'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.',
      ),
      nodeSelector: stringMap(
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
        'atomic',
      ),
      os: ref(coreName('PodOS'), 'Specifies the OS of the containers in the pod.'),
      overhead: quantities(
        'Overhead represents the resource overhead associated with running a pod for a given RuntimeClass.',
      ),
      preemptionPolicy: str(
        'PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.',
      ),
      priority: int32('The priority value. Various system components use this field to find the priority of the pod.'),
      priorityClassName: str("If specified, indicates the pod's priority."),
      readinessGates: list(
        refOnly(coreName('PodReadinessGate')),
        'If specified, all readiness gates will be evaluated for pod readiness.',
      ),
      resourceClaims: list(
        freeForm('PodResourceClaim references exactly one ResourceClaim.'),
        'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.',
        {
          mergeKey: 'name',
          strategy: 'merge,retainKeys',
        },
      ),
      resources: ref(
        coreName('ResourceRequirements'),
        'Resources is the total amount of CPU and Memory resources required by all containers in the pod.',
      ),
      restartPolicy: oneOf(
        'Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.',
        ['Always', 'Never', 'OnFailure'],
      ),
      runtimeClassName: str(
        'RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod.',
      ),
      schedulerName: str(
        'If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.',
      ),
      schedulingGates: list(
        freeForm('PodSchedulingGate is associated to a Pod to guard its scheduling.'),
        'SchedulingGates is an opaque list of values that if specified will block scheduling the pod.',
        {
          mergeKey: 'name',
        },
      ),
      securityContext: ref(
        coreName('PodSecurityContext'),
        'SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.',
      ),
      serviceAccount: str(
        'DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.',
      ),
      serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
      setHostnameAsFQDN: bool(
        "If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default).",
      ),
      shareProcessNamespace: bool(
        'Share a single process namespace between all of the containers in a pod. Optional: Default to false.',
      ),
      subdomain: str(
        'If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".',
      ),
      terminationGracePeriodSeconds: int64(
        'Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request. Defaults to 30 seconds.',
      ),
      tolerations: list(refOnly(coreName('Toleration')), "If specified, the pod's tolerations."),
      topologySpreadConstraints: list(
        refOnly(coreName('TopologySpreadConstraint')),
        'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.',
        { mergeKey: 'topologyKey', mapKeys: ['topologyKey', 'whenUnsatisfiable'] },
      ),
      volumes: list(
        refOnly(coreName('Volume')),
        'List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes',
        {
          mergeKey: 'name',
          strategy: 'merge,retainKeys',
        },
      ),
    },
    { required: ['containers'] },
  ),
};

/** PodStatus, Pod and PodList. */
export const podSchemas: Components = {
  [coreName('PodCondition')]: struct(
    'PodCondition contains details for the current condition of this pod.',
    {
      lastProbeTime: time('Last time we probed the condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status is the status of the condition. Can be True, False, Unknown.'),
      type: str('Type is the type of the condition.'),
    },
    { required: ['type', 'status'] },
  ),
  [coreName('ContainerStateRunning')]: struct('ContainerStateRunning is a running state of a container.', {
    startedAt: time('Time at which the container was last (re-)started'),
  }),
  [coreName('ContainerStateTerminated')]: struct(
    'ContainerStateTerminated is a terminated state of a container.',
    {
      containerID: str("Container's ID in the format '<type>://<container_id>'"),
      exitCode: int32('Exit status from the last termination of the container'),
      finishedAt: time('Time at which the container last terminated'),
      message: str('Message regarding the last termination of the container'),
      reason: str('(brief) reason from the last termination of the container'),
      signal: int32('Signal from the last termination of the container'),
      startedAt: time('Time at which previous execution of the container started'),
    },
    { required: ['exitCode'] },
  ),
  [coreName('ContainerStateWaiting')]: struct('ContainerStateWaiting is a waiting state of a container.', {
    message: str('Message regarding why the container is not yet running.'),
    reason: str('(brief) reason the container is not yet running.'),
  }),
  [coreName('ContainerState')]: struct(
    'ContainerState holds a possible state of container. Only one of its members may be specified.',
    {
      running: ref(coreName('ContainerStateRunning'), 'Details about a running container'),
      terminated: ref(coreName('ContainerStateTerminated'), 'Details about a terminated container'),
      waiting: ref(coreName('ContainerStateWaiting'), 'Details about a waiting container'),
    },
  ),
  [coreName('ContainerStatus')]: struct(
    'ContainerStatus contains details for the current status of this container.',
    {
      allocatedResources: quantities(
        'AllocatedResources represents the compute resources allocated for this container by the node.',
      ),
      allocatedResourcesStatus: list(
        freeForm('ResourceStatus represents the status of a single resource allocated to a Pod.'),
        'AllocatedResourcesStatus represents the status of various resources allocated for this Pod.',
        {
          mergeKey: 'name',
        },
      ),
      containerID: str("ContainerID is the ID of the container in the format '<type>://<container_id>'."),
      image: str('Image is the name of container image that the container is running.'),
      imageID: str("ImageID is the image ID of the container's image."),
      lastState: ref(
        coreName('ContainerState'),
        'LastTerminationState holds the last termination state of the container to help debug container crashes and restarts.',
      ),
      name: str('Name is a DNS_LABEL representing the unique name of the container.'),
      ready: bool('Ready specifies whether the container is currently passing its readiness check.'),
      resources: ref(
        coreName('ResourceRequirements'),
        'Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.',
      ),
      restartCount: int32('RestartCount holds the number of times the container has been restarted.'),
      started: bool(
        'Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.',
      ),
      state: ref(coreName('ContainerState'), "State holds details about the container's current condition."),
      user: freeForm(
        'User represents user identity information initially attached to the first process of the container',
      ),
      volumeMounts: list(freeForm('VolumeMountStatus shows status of volume mounts.'), 'Status of volume mounts.', {
        mergeKey: 'mountPath',
      }),
    },
    { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
  ),
  [coreName('PodIP')]: struct(
    'PodIP represents a single IP address allocated to the pod.',
    { ip: str('IP is the IP address assigned to the pod') },
    { required: ['ip'] },
  ),
  [coreName('HostIP')]: struct(
    'HostIP represents a single IP address allocated to the host.',
    { ip: str('IP is the IP address assigned to the host') },
    { required: ['ip'] },
  ),
  [coreName('PodStatus')]: struct(
    'PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.',
    {
      conditions: list(
        refOnly(coreName('PodCondition')),
        'Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions',
        { mergeKey: 'type' },
      ),
      containerStatuses: list(
        refOnly(coreName('ContainerStatus')),
        'Statuses of containers in this pod. Each container in the pod should have at most one status in this list.',
      ),
      ephemeralContainerStatuses: list(
        refOnly(coreName('ContainerStatus')),
        'Statuses for any ephemeral containers that have run in this pod.',
      ),
      hostIP: str(
        'hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.',
      ),
      hostIPs: list(refOnly(coreName('HostIP')), 'hostIPs holds the IP addresses allocated to the host.', {
        mergeKey: 'ip',
        listType: 'atomic',
      }),
      initContainerStatuses: list(refOnly(coreName('ContainerStatus')), 'Statuses of init containers in this pod.'),
      message: str('A human readable message indicating details about why the pod is in this condition.'),
      nominatedNodeName: str(
        'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      ),
      phase: oneOf('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle.', [
        'Failed',
        'Pending',
        'Running',
        'Succeeded',
        'Unknown',
      ]),
      podIP: str(
        'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      ),
      podIPs: list(refOnly(coreName('PodIP')), 'podIPs holds the IP addresses allocated to the pod.', {
        mergeKey: 'ip',
      }),
      qosClass: oneOf(
        'The Quality of Service (QOS) classification assigned to the pod based on resource requirements.',
        ['BestEffort', 'Burstable', 'Guaranteed'],
      ),
      reason: str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
      resize: str("Status of resources resize desired for pod's containers."),
      resourceClaimStatuses: list(
        freeForm('PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim.'),
        'Status of resource claims.',
        { mergeKey: 'name', strategy: 'merge,retainKeys' },
      ),
      startTime: time(
        'RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.',
      ),
    },
  ),
  [coreName('Pod')]: kind(
    pod,
    'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
    {
      ...objectHeader(),
      spec: ref(
        coreName('PodSpec'),
        'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
      ),
      status: ref(
        coreName('PodStatus'),
        'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.',
      ),
    },
  ),
  [coreName('PodList')]: listKind(pod, coreName('Pod'), 'PodList is a list of Pods.'),
};
