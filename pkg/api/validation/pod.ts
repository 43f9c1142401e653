/**
 * Pod validation (k8s ValidatePod / ValidatePodUpdate / ValidatePodStatusUpdate). The project
 * rule from the seed: pods mount volumes only through PersistentVolumeClaims, so the only
 * volume source accepted is `persistentVolumeClaim`.
 */
import { type Pod, type PodSpec, type Volume, PodPhase, RestartPolicy } from '../core/v1';
import { semanticEqual } from './equality';
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from './field';
import { validateContainers } from './container';
import { validateObjectName } from './meta';
import { validateNodeSelector } from './node_selector';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain, validateLabels } from './names';

/** Restart policies, in Kubernetes' order. */
export const supportedRestartPolicies: readonly string[] = Object.values(RestartPolicy);
/** DNS policies (sorted). */
export const supportedDNSPolicies: readonly string[] = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

/** Detail of an error for a pod volume source other than persistentVolumeClaim. */
export const onlyPVCVolumesMessage = 'only persistentVolumeClaim volumes are supported';

/**
 * `spec.volumes`: each name a unique DNS label; each volume exactly a `persistentVolumeClaim`
 * with a claimName. Any other source key (emptyDir, hostPath, configMap, …) is forbidden at
 * `spec.volumes[i].<key>`. Returns the errors and the declared names (for volume mounts).
 */
export function validateVolumes(
  volumes: readonly Volume[] | undefined,
  field: string,
): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((vol, i) => {
    const p = `${field}[${i}]`;
    if (!vol || typeof vol !== 'object') {
      errs.push(invalid(p, vol ?? null, 'must be an object'));
      return;
    }
    if (!vol.name) errs.push(required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(vol.name)) errs.push(invalid(`${p}.name`, vol.name, msg));
      if (names.has(vol.name)) errs.push(duplicate(`${p}.name`, vol.name));
      names.add(vol.name);
    }
    const sources = Object.keys(vol).filter((k) => k !== 'name' && vol[k] !== undefined && vol[k] !== null);
    for (const k of sources)
      if (k !== 'persistentVolumeClaim') errs.push(forbidden(`${p}.${k}`, onlyPVCVolumesMessage));
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    const pvc = vol.persistentVolumeClaim;
    if (pvc !== undefined && pvc !== null) {
      if (typeof pvc !== 'object') errs.push(invalid(`${p}.persistentVolumeClaim`, pvc, 'must be an object'));
      else if (!pvc.claimName) errs.push(required(`${p}.persistentVolumeClaim.claimName`));
    }
  });
  return { errs, names };
}

function validateOptionalName(value: unknown, field: string, check: (s: string) => string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') return [invalid(field, value, 'must be a string')];
  return check(value).map((msg) => invalid(field, value, msg));
}

/**
 * A pod spec at `field` (`spec` for a pod, `spec.template.spec` for a workload's template):
 * volumes, containers (whose mounts may also name `extraVolumes`, e.g. a StatefulSet's claim
 * templates), restartPolicy, grace and deadline, dnsPolicy, nodeName, schedulerName,
 * nodeSelector and required node affinity, with errors at paths below `field`.
 */
export function validatePodSpec(
  spec: PodSpec,
  field = 'spec',
  extraVolumes: ReadonlySet<string> = new Set(),
): FieldError[] {
  const { errs, names } = validateVolumes(spec.volumes, `${field}.volumes`);
  for (const n of extraVolumes) names.add(n);
  errs.push(...validateContainers(spec.containers, names, `${field}.containers`));
  if (spec.restartPolicy !== undefined && !supportedRestartPolicies.includes(spec.restartPolicy)) {
    errs.push(notSupported(`${field}.restartPolicy`, spec.restartPolicy, supportedRestartPolicies));
  }
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && grace !== null && (!Number.isInteger(grace) || grace < 0)) {
    errs.push(invalid(`${field}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (
    deadline !== undefined &&
    deadline !== null &&
    (typeof deadline !== 'number' || !Number.isInteger(deadline) || deadline < 1 || deadline > 2147483647)
  ) {
    errs.push(invalid(`${field}.activeDeadlineSeconds`, deadline, 'must be between 1 and 2147483647, inclusive'));
  }
  const dns = spec.dnsPolicy;
  if (dns !== undefined && !supportedDNSPolicies.includes(dns))
    errs.push(notSupported(`${field}.dnsPolicy`, dns, supportedDNSPolicies));
  if (dns === 'None' && !spec.dnsConfig)
    errs.push(required(`${field}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  errs.push(...validateOptionalName(spec.nodeName, `${field}.nodeName`, isDNS1123Subdomain));
  errs.push(...validateOptionalName(spec.schedulerName, `${field}.schedulerName`, isDNS1123Subdomain));
  errs.push(...validateLabels(spec.nodeSelector, `${field}.nodeSelector`));
  const requiredNodes = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (requiredNodes)
    errs.push(
      ...validateNodeSelector(
        requiredNodes,
        `${field}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
      ),
    );
  return errs;
}

/**
 * A pod to create: its name is a DNS subdomain; containers (see validateContainers); volumes
 * only through PVCs (see validateVolumes); restartPolicy Always/OnFailure/Never;
 * terminationGracePeriodSeconds ≥ 0; dnsPolicy known; nodeName and schedulerName DNS
 * subdomains. Metadata is validateObjectMeta's.
 */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectName(pod.metadata, nameIsDNSSubdomain);
  if (!pod.spec || typeof pod.spec !== 'object') return [...errs, required('spec')];
  return [...errs, ...validatePodSpec(pod.spec)];
}

/** What a pod update may change, in Kubernetes' words. */
export const podUpdateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations`';

/**
 * A pod update: the new pod is valid; containers are neither added nor removed; the spec is
 * immutable except container images, activeDeadlineSeconds and tolerations; nodeName never
 * changes here (it is set only through pods/binding, which the server applies directly).
 */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validatePod(pod);
  if (!pod.spec || !old.spec) return errs;
  const newContainers = Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
  const oldContainers = Array.isArray(old.spec.containers) ? old.spec.containers : [];
  if (newContainers.length !== oldContainers.length) {
    errs.push(forbidden('spec.containers', 'pod updates may not add or remove containers'));
    return errs;
  }
  if ((pod.spec.nodeName ?? '') !== (old.spec.nodeName ?? '')) {
    errs.push(forbidden('spec.nodeName', 'may only be set by binding the pod (pods/binding)'));
  }
  const munged: PodSpec = {
    ...pod.spec,
    containers: newContainers.map((c, i) => ({ ...c, image: oldContainers[i]?.image ?? c.image })),
    activeDeadlineSeconds: old.spec.activeDeadlineSeconds,
    tolerations: old.spec.tolerations,
    nodeName: old.spec.nodeName,
  };
  if (!semanticEqual(munged, old.spec)) errs.push(forbidden('spec', podUpdateForbiddenMessage));
  return errs;
}

/** Pod phases, in lifecycle order. */
export const supportedPodPhases: readonly string[] = Object.values(PodPhase);

/** A pod /status write: a known phase; each container status names its container; restart counts ≥ 0. */
export function validatePodStatus(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const status = pod.status;
  if (!status) return errs;
  if (status.phase !== undefined && !supportedPodPhases.includes(status.phase)) {
    errs.push(notSupported('status.phase', status.phase, supportedPodPhases));
  }
  (status.containerStatuses ?? []).forEach((cs, i) => {
    const p = `status.containerStatuses[${i}]`;
    if (!cs.name) errs.push(required(`${p}.name`));
    if (cs.restartCount !== undefined && (typeof cs.restartCount !== 'number' || cs.restartCount < 0)) {
      errs.push(invalid(`${p}.restartCount`, cs.restartCount, 'must be greater than or equal to 0'));
    }
  });
  return errs;
}
