/**
 * core/v1 pod scheduling schemas: affinity (node, pod, anti-pod), topology spread, and the
 * small security / DNS / OS structs pods name. Described fully so kubectl's client-side
 * strategic merge (which walks the schema for every nested map it diffs) never falls back.
 */
import {
  bool,
  coreName,
  int32,
  int64,
  list,
  metaName,
  oneOf,
  ref,
  refOnly,
  str,
  strings,
  struct,
  type Components,
} from '../schema';

/** Affinity and its parts. */
export const affinitySchemas: Components = {
  [coreName('PreferredSchedulingTerm')]: struct(
    "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it's a no-op). A null preferred scheduling term matches no objects (i.e. is also a no-op).",
    {
      preference: ref(coreName('NodeSelectorTerm'), 'A node selector term, associated with the corresponding weight.'),
      weight: int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'),
    },
    { required: ['weight', 'preference'] },
  ),
  [coreName('NodeAffinity')]: struct('Node affinity is a group of node affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: list(
      refOnly(coreName('PreferredSchedulingTerm')),
      'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: ref(
      coreName('NodeSelector'),
      'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.',
    ),
  }),
  [coreName('PodAffinityTerm')]: struct(
    'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with.',
    {
      labelSelector: ref(metaName('LabelSelector'), 'A label query over a set of resources, in this case pods.'),
      matchLabelKeys: strings(
        'MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.',
      ),
      mismatchLabelKeys: strings(
        'MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.',
      ),
      namespaceSelector: ref(
        metaName('LabelSelector'),
        'A label query over the set of namespaces that the term applies to.',
      ),
      namespaces: strings('namespaces specifies a static list of namespace names that the term applies to.'),
      topologyKey: str(
        'This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces.',
      ),
    },
    { required: ['topologyKey'] },
  ),
  [coreName('WeightedPodAffinityTerm')]: struct(
    'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)',
    {
      podAffinityTerm: ref(
        coreName('PodAffinityTerm'),
        'Required. A pod affinity term, associated with the corresponding weight.',
      ),
      weight: int32('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'),
    },
    { required: ['weight', 'podAffinityTerm'] },
  ),
  [coreName('PodAffinity')]: struct('Pod affinity is a group of inter pod affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: list(
      refOnly(coreName('WeightedPodAffinityTerm')),
      'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: list(
      refOnly(coreName('PodAffinityTerm')),
      'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.',
    ),
  }),
  [coreName('PodAntiAffinity')]: struct('Pod anti affinity is a group of inter pod anti affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: list(
      refOnly(coreName('WeightedPodAffinityTerm')),
      'The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: list(
      refOnly(coreName('PodAffinityTerm')),
      'If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.',
    ),
  }),
  [coreName('Affinity')]: struct('Affinity is a group of affinity scheduling rules.', {
    nodeAffinity: ref(coreName('NodeAffinity'), 'Describes node affinity scheduling rules for the pod.'),
    podAffinity: ref(
      coreName('PodAffinity'),
      'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).',
    ),
    podAntiAffinity: ref(
      coreName('PodAntiAffinity'),
      'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).',
    ),
  }),
  [coreName('TopologySpreadConstraint')]: struct(
    'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
    {
      labelSelector: ref(metaName('LabelSelector'), 'LabelSelector is used to find matching pods.'),
      matchLabelKeys: strings(
        'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated.',
      ),
      maxSkew: int32('MaxSkew describes the degree to which pods may be unevenly distributed.'),
      minDomains: int32('MinDomains indicates a minimum number of eligible domains.'),
      nodeAffinityPolicy: str(
        "NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew.",
      ),
      nodeTaintsPolicy: str(
        'NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew.',
      ),
      topologyKey: str(
        'TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology.',
      ),
      whenUnsatisfiable: oneOf(
        "WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint.",
        ['DoNotSchedule', 'ScheduleAnyway'],
      ),
    },
    { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
};

/** Security, DNS and OS structs of pods and containers. */
export const podMiscSchemas: Components = {
  [coreName('SELinuxOptions')]: struct('SELinuxOptions are the labels to be applied to the container', {
    level: str('Level is SELinux level label that applies to the container.'),
    role: str('Role is a SELinux role label that applies to the container.'),
    type: str('Type is a SELinux type label that applies to the container.'),
    user: str('User is a SELinux user label that applies to the container.'),
  }),
  [coreName('SeccompProfile')]: struct(
    "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set.",
    {
      localhostProfile: str('localhostProfile indicates a profile defined in a file on the node should be used.'),
      type: oneOf('type indicates which kind of seccomp profile will be applied.', [
        'Localhost',
        'RuntimeDefault',
        'Unconfined',
      ]),
    },
    { required: ['type'] },
  ),
  [coreName('AppArmorProfile')]: struct(
    "AppArmorProfile defines a pod or container's AppArmor settings.",
    {
      localhostProfile: str('localhostProfile indicates a profile loaded on the node that should be used.'),
      type: oneOf('type indicates which kind of AppArmor profile will be applied.', [
        'Localhost',
        'RuntimeDefault',
        'Unconfined',
      ]),
    },
    { required: ['type'] },
  ),
  [coreName('WindowsSecurityContextOptions')]: struct(
    'WindowsSecurityContextOptions contain Windows-specific options and credentials.',
    {
      gmsaCredentialSpec: str(
        'GMSACredentialSpec is where the GMSA admission webhook inlines the contents of the GMSA credential spec.',
      ),
      gmsaCredentialSpecName: str('GMSACredentialSpecName is the name of the GMSA credential spec to use.'),
      hostProcess: bool("HostProcess determines if a container should be run as a 'Host Process' container."),
      runAsUserName: str('The UserName in Windows to run the entrypoint of the container process.'),
    },
  ),
  [coreName('Sysctl')]: struct(
    'Sysctl defines a kernel parameter to be set',
    {
      name: str('Name of a property to set'),
      value: str('Value of a property to set'),
    },
    { required: ['name', 'value'] },
  ),
  [coreName('PodDNSConfigOption')]: struct('PodDNSConfigOption defines DNS resolver options of a pod.', {
    name: str('Required.'),
    value: str('Value of the option.'),
  }),
  [coreName('PodDNSConfig')]: struct(
    'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.',
    {
      nameservers: strings('A list of DNS name server IP addresses.'),
      options: list(refOnly(coreName('PodDNSConfigOption')), 'A list of DNS resolver options.'),
      searches: strings('A list of DNS search domains for host-name lookup.'),
    },
  ),
  [coreName('PodOS')]: struct(
    'PodOS defines the OS parameters of a pod.',
    {
      name: str('Name is the name of the operating system. The currently supported values are linux and windows.'),
    },
    { required: ['name'] },
  ),
  [coreName('HTTPHeader')]: struct(
    'HTTPHeader describes a custom header to be used in HTTP probes',
    {
      name: str('The header field name.'),
      value: str('The header field value'),
    },
    { required: ['name', 'value'] },
  ),
  [coreName('GRPCAction')]: struct(
    'GRPCAction specifies an action involving a GRPC service.',
    {
      port: int32('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
      service: str('Service is the name of the service to place in the gRPC HealthCheckRequest.'),
    },
    { required: ['port'] },
  ),
  [coreName('SleepAction')]: struct(
    'SleepAction describes a "sleep" action.',
    { seconds: int64('Seconds is the number of seconds to sleep.') },
    { required: ['seconds'] },
  ),
  [coreName('LifecycleHandler')]: struct(
    'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.',
    {
      exec: ref(coreName('ExecAction'), 'Exec specifies a command to execute in the container.'),
      httpGet: ref(coreName('HTTPGetAction'), 'HTTPGet specifies an HTTP GET request to perform.'),
      sleep: ref(coreName('SleepAction'), 'Sleep represents a duration that the container should sleep.'),
      tcpSocket: ref(coreName('TCPSocketAction'), 'Deprecated. TCPSocket is NOT supported as a LifecycleHandler.'),
    },
  ),
  [coreName('Lifecycle')]: struct(
    'Lifecycle describes actions that the management system should take in response to container lifecycle events.',
    {
      postStart: ref(coreName('LifecycleHandler'), 'PostStart is called immediately after a container is created.'),
      preStop: ref(coreName('LifecycleHandler'), 'PreStop is called immediately before a container is terminated.'),
      stopSignal: str('StopSignal defines which signal will be sent to a container when it is being stopped.'),
    },
  ),
};
