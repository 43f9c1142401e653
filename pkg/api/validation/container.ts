/**
 * Container validation for pod specs (k8s validateContainers and its helpers): names, images,
 * pull policy, env, ports, resources and volume mounts.
 */
import type { Container, VolumeMount } from '../core/v1';
import { type FieldError, duplicate, invalid, notFound, notSupported, required } from './field';
import { isDNS1123Label, isEnvVarName } from './names';
import { validateAbsolutePath, validateLocalDescendingPath } from './paths';
import { validateResourceList } from './quantities';

/** Image pull policies (sorted). */
export const supportedPullPolicies: readonly string[] = ['Always', 'IfNotPresent', 'Never'];
/** Port protocols (sorted). */
export const supportedPortProtocols: readonly string[] = ['SCTP', 'TCP', 'UDP'];
/** Termination message policies. */
export const supportedTerminationMessagePolicies: readonly string[] = ['File', 'FallbackToLogsOnError'];

/**
 * A container's volume mounts: each names a volume declared in the pod (`Not found` otherwise),
 * has an absolute mountPath without '..', unique within the container, and an optional
 * relative subPath that stays below the volume.
 */
export function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  volumes: ReadonlySet<string>,
  field: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (mounts ?? []).forEach((m, j) => {
    const p = `${field}[${j}]`;
    if (!m.name) errs.push(required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    errs.push(...validateAbsolutePath(m.mountPath, `${p}.mountPath`));
    if (typeof m.mountPath === 'string' && m.mountPath) {
      if (seen.has(m.mountPath)) errs.push(invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
      seen.add(m.mountPath);
    }
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${p}.subPath`));
  });
  return errs;
}

function validateContainer(c: Container, volumes: ReadonlySet<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(required(`${field}.image`));
  else if (typeof c.image !== 'string') errs.push(invalid(`${field}.image`, c.image, 'must be a string'));
  else if (c.image.trim() !== c.image)
    errs.push(invalid(`${field}.image`, c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy !== undefined && !supportedPullPolicies.includes(c.imagePullPolicy)) {
    errs.push(notSupported(`${field}.imagePullPolicy`, c.imagePullPolicy, supportedPullPolicies));
  }
  if (
    c.terminationMessagePolicy !== undefined &&
    !supportedTerminationMessagePolicies.includes(c.terminationMessagePolicy)
  ) {
    errs.push(
      notSupported(
        `${field}.terminationMessagePolicy`,
        c.terminationMessagePolicy,
        supportedTerminationMessagePolicies,
      ),
    );
  }
  // Go's decoder refuses a non-boolean here; a string "false" must never open a stdin.
  for (const key of ['stdin', 'stdinOnce', 'tty'] as const) {
    const v: unknown = c[key];
    if (v !== undefined && v !== null && typeof v !== 'boolean')
      errs.push(invalid(`${field}.${key}`, v, 'must be a boolean'));
  }
  (c.env ?? []).forEach((e, k) => {
    const p = `${field}.env[${k}].name`;
    if (!e.name) errs.push(required(p));
    else for (const msg of isEnvVarName(e.name)) errs.push(invalid(p, e.name, msg));
  });
  (c.ports ?? []).forEach((port, k) => {
    const p = `${field}.ports[${k}]`;
    const n = port.containerPort;
    if (n === undefined || n === null || n === 0) errs.push(required(`${p}.containerPort`));
    else if (!Number.isInteger(n) || n < 1 || n > 65535)
      errs.push(invalid(`${p}.containerPort`, n, 'must be between 1 and 65535, inclusive'));
    if (port.protocol !== undefined && !supportedPortProtocols.includes(port.protocol)) {
      errs.push(notSupported(`${p}.protocol`, port.protocol, supportedPortProtocols));
    }
  });
  errs.push(...validateResourceList(c.resources?.requests, `${field}.resources.requests`));
  errs.push(...validateResourceList(c.resources?.limits, `${field}.resources.limits`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${field}.volumeMounts`));
  return errs;
}

/**
 * `spec.containers`: at least one; each name a unique DNS label; each image set; pull policy,
 * env names, ports, resources and volume mounts (against the declared `volumes`) valid.
 */
export function validateContainers(
  containers: readonly Container[] | undefined,
  volumes: ReadonlySet<string>,
  field: string,
): FieldError[] {
  if (!Array.isArray(containers) || containers.length === 0) return [required(field)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${field}[${i}]`;
    if (!c || typeof c !== 'object') {
      errs.push(invalid(p, c ?? null, 'must be an object'));
      return;
    }
    if (!c.name) errs.push(required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    errs.push(...validateContainer(c, volumes, p));
  });
  return errs;
}
