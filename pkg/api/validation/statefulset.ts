/**
 * StatefulSet validation (k8s apps ValidateStatefulSet / ValidateStatefulSetUpdate /
 * ValidateStatefulSetStatusUpdate), run after defaulting. Beyond Kubernetes, the pod template's
 * spec is validated as a pod's is (mounts may name the claim templates), and each
 * volumeClaimTemplate as a claim is, so that a set whose pods or claims could never be
 * created is refused up front.
 */
import {
  PersistentVolumeClaimRetentionPolicyType,
  PodManagementPolicy,
  type StatefulSet,
  StatefulSetPodNameLabel,
  type StatefulSetSpec,
  StatefulSetUpdateStrategyType,
} from '../apps/v1';
import { RestartPolicy } from '../core/v1';
import { labelSelectorFrom } from '../labels';
import { semanticEqual } from './equality';
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from './field';
import { validateObjectName } from './meta';
import { isDNS1123Label, nameIsDNSLabel, validateAnnotations, validateLabels } from './names';
import { validatePersistentVolumeClaim } from './persistentvolumeclaim';
import { validatePodSpec } from './pod';
import { isNegativeErrorMsg } from './quantities';
import { validateLabelSelector } from './selector';

/** What a StatefulSet update may change, in Kubernetes' words. */
export const statefulSetUpdateForbiddenMessage =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

const retentionPolicies: readonly string[] = Object.values(PersistentVolumeClaimRetentionPolicyType);

/** The largest value of an int32 field (replicas, counts, ordinals). */
export const maxInt32 = 2 ** 31 - 1;

/**
 * An optional integer field that must be ≥ 0 (ValidateNonnegativeField) and at most `max`
 * (default: an int32's largest value, as Go's decoder enforces on int32 fields; writes that
 * skip the decoder, such as a Scale's, are held to it here).
 */
export function validateNonNegativeInt(value: unknown, field: string, max = maxInt32): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  if (value < 0) return [invalid(field, value, isNegativeErrorMsg)];
  return value > max ? [invalid(field, value, `must be less than or equal to ${max}`)] : [];
}

/** The longest pod name: a pod's hostname and its statefulset.kubernetes.io/pod-name label are DNS labels. */
const maxPodNameLength = 63;

/**
 * The set's pods `<name>-<ordinal>` fit in a DNS label up to the highest ordinal (Kubernetes
 * accepts such a set and then fails to create its pods; refused here up front).
 */
function validatePodNames(name: string | undefined, spec: StatefulSetSpec): FieldError[] {
  if (!name) return [];
  const start = spec.ordinals?.start ?? 0;
  const replicas = spec.replicas ?? 0;
  if (`${name}-${start}`.length > maxPodNameLength)
    return [
      invalid(
        'metadata.name',
        name,
        `must be no more than ${maxPodNameLength - 1 - String(start).length} characters: its pods are named ${name}-<ordinal>, and a pod's hostname and ${StatefulSetPodNameLabel} label are at most ${maxPodNameLength} characters`,
      ),
    ];
  const last = `${name}-${start + Math.max(replicas, 1) - 1}`;
  if (last.length > maxPodNameLength)
    return [
      invalid(
        'spec.replicas',
        replicas,
        `pod ${last} would have a name longer than ${maxPodNameLength} characters (a pod's hostname and ${StatefulSetPodNameLabel} label)`,
      ),
    ];
  return [];
}

/** Errors of a nested object re-rooted below `prefix` (`spec` → `spec.volumeClaimTemplates[0].spec`). */
function below(prefix: string, errs: readonly FieldError[]): FieldError[] {
  return errs.map((e) => ({ ...e, field: `${prefix}.${e.field}` }));
}

/** rollingUpdate.maxUnavailable: an int32 ≥ 1 or a percent string from 1% to 100%. */
function validateMaxUnavailable(mu: number | string | undefined, field: string): FieldError[] {
  if (typeof mu === 'number') {
    if (!Number.isInteger(mu) || mu < 1) return [invalid(field, mu, 'must be greater than 0')];
    return mu > maxInt32 ? [invalid(field, mu, `must be less than or equal to ${maxInt32}`)] : [];
  }
  if (typeof mu !== 'string') return [];
  if (!/^\d+%$/.test(mu))
    return [invalid(field, mu, "a valid percent string must be a numeric string followed by an ending '%'")];
  const percent = Number(mu.slice(0, -1));
  if (percent === 0) return [invalid(field, mu, 'cannot be 0')];
  return percent > 100 ? [invalid(field, mu, 'must not be greater than 100%')] : [];
}

function validateUpdateStrategy(spec: StatefulSetSpec): FieldError[] {
  const s = spec.updateStrategy;
  const field = 'spec.updateStrategy';
  switch (s?.type || undefined) {
    case undefined:
      return [required(field)];
    case StatefulSetUpdateStrategyType.OnDelete:
      return s?.rollingUpdate
        ? [invalid(`${field}.rollingUpdate`, s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")]
        : [];
    case StatefulSetUpdateStrategyType.RollingUpdate: {
      const ru = s?.rollingUpdate;
      if (!ru) return [];
      const errs = validateNonNegativeInt(ru.partition, `${field}.rollingUpdate.partition`);
      errs.push(...validateMaxUnavailable(ru.maxUnavailable, `${field}.rollingUpdate.maxUnavailable`));
      return errs;
    }
    default:
      return [invalid(field, s, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRetentionPolicy(spec: StatefulSetSpec): FieldError[] {
  const p = spec.persistentVolumeClaimRetentionPolicy;
  if (!p) return [];
  const errs: FieldError[] = [];
  const field = 'spec.persistentVolumeClaimRetentionPolicy';
  for (const k of ['whenDeleted', 'whenScaled'] as const) {
    const v = p[k];
    if (typeof v !== 'string' || !retentionPolicies.includes(v))
      errs.push(notSupported(`${field}.${k}`, v ?? '', retentionPolicies));
  }
  return errs;
}

/** The selector: required, well-formed, not empty. */
function validateSelector(spec: StatefulSetSpec): FieldError[] {
  const sel = spec.selector;
  if (!sel || typeof sel !== 'object') return [required('spec.selector')];
  const errs = validateLabelSelector(sel, 'spec.selector');
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0)
    errs.push(invalid('spec.selector', sel, 'empty selector is invalid for statefulset'));
  return errs;
}

/** volumeClaimTemplates: each a valid claim with a unique DNS-label name (its pods' volume name). */
function validateClaimTemplates(spec: StatefulSetSpec): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const templates = spec.volumeClaimTemplates;
  if (templates === undefined || templates === null) return { errs, names };
  if (!Array.isArray(templates))
    return { errs: [invalid('spec.volumeClaimTemplates', templates, 'must be a list')], names };
  templates.forEach((t, i) => {
    const p = `spec.volumeClaimTemplates[${i}]`;
    if (!t || typeof t !== 'object') {
      errs.push(invalid(p, t ?? null, 'must be an object'));
      return;
    }
    const name = t.metadata?.name;
    if (!name) errs.push(required(`${p}.metadata.name`));
    else {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(`${p}.metadata.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${p}.metadata.name`, name));
      names.add(name);
    }
    errs.push(...below(p, validatePersistentVolumeClaim({ ...t, metadata: {} })));
    errs.push(...validateLabels(t.metadata?.labels, `${p}.metadata.labels`));
    errs.push(...validateAnnotations(t.metadata?.annotations, `${p}.metadata.annotations`));
  });
  return { errs, names };
}

/** The template: labels the selector matches, valid metadata, a pod spec valid for a set's pods. */
function validateTemplate(spec: StatefulSetSpec, claimNames: ReadonlySet<string>, selectorOk: boolean): FieldError[] {
  const t = spec.template;
  if (!t || typeof t !== 'object') return [required('spec.template')];
  const errs: FieldError[] = [];
  const labels = t.metadata?.labels;
  if (selectorOk && !labelSelectorFrom(spec.selector).matches(labels))
    errs.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  errs.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  errs.push(...validateAnnotations(t.metadata?.annotations, 'spec.template.metadata.annotations'));
  if (!t.spec || typeof t.spec !== 'object') return [...errs, required('spec.template.spec')];
  errs.push(...validatePodSpec(t.spec, 'spec.template.spec', claimNames));
  if (t.spec.restartPolicy !== RestartPolicy.Always)
    errs.push(notSupported('spec.template.spec.restartPolicy', t.spec.restartPolicy ?? '', [RestartPolicy.Always]));
  if (t.spec.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null)
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'),
    );
  return errs;
}

function validateSpec(spec: StatefulSetSpec, name: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== PodManagementPolicy.OrderedReady && pmp !== PodManagementPolicy.Parallel)
    errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(spec));
  errs.push(...validateRetentionPolicy(spec));
  const before = errs.length;
  errs.push(...validateNonNegativeInt(spec.replicas, 'spec.replicas'));
  if (spec.ordinals !== undefined && spec.ordinals !== null)
    errs.push(...validateNonNegativeInt(spec.ordinals.start, 'spec.ordinals.start'));
  if (errs.length === before) errs.push(...validatePodNames(name, spec));
  errs.push(...validateNonNegativeInt(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegativeInt(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.serviceName !== undefined && spec.serviceName !== null && spec.serviceName !== '') {
    if (typeof spec.serviceName !== 'string')
      errs.push(invalid('spec.serviceName', spec.serviceName, 'must be a string'));
  }
  const selectorErrs = validateSelector(spec);
  errs.push(...selectorErrs);
  const claims = validateClaimTemplates(spec);
  errs.push(...claims.errs);
  errs.push(...validateTemplate(spec, claims.names, selectorErrs.length === 0));
  return errs;
}

/** A StatefulSet to create: a DNS-label name (its pods are `<name>-<ordinal>`) and a valid spec. */
export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const errs = validateObjectName(sts.metadata, nameIsDNSLabel);
  if (!sts.spec || typeof sts.spec !== 'object') return [...errs, required('spec')];
  return [...errs, ...validateSpec(sts.spec, sts.metadata.name)];
}

/**
 * A StatefulSet update: the new spec is valid, and only replicas, ordinals, template,
 * updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and
 * minReadySeconds changed (the name is not re-validated, as in Kubernetes).
 */
export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  if (!sts.spec || typeof sts.spec !== 'object') return [required('spec')];
  const errs = validateSpec(sts.spec, sts.metadata.name);
  const o = old.spec;
  const munged: StatefulSetSpec = {
    ...sts.spec,
    replicas: o.replicas,
    template: o.template,
    updateStrategy: o.updateStrategy,
    minReadySeconds: o.minReadySeconds,
    ordinals: o.ordinals,
    revisionHistoryLimit: o.revisionHistoryLimit,
    persistentVolumeClaimRetentionPolicy: o.persistentVolumeClaimRetentionPolicy,
  };
  if (!semanticEqual(munged, o)) errs.push(forbidden('spec', statefulSetUpdateForbiddenMessage));
  return errs;
}

/**
 * A StatefulSet /status write: counts ≥ 0, none above status.replicas, availableReplicas not
 * above readyReplicas, observedGeneration ≥ 0, and collisionCount never decremented.
 */
export function validateStatefulSetStatusUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const s = sts.status;
  if (!s) return [];
  const errs: FieldError[] = [];
  const counts = ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const;
  for (const k of counts) errs.push(...validateNonNegativeInt(s[k], `status.${k}`));
  errs.push(...validateNonNegativeInt(s.observedGeneration, 'status.observedGeneration', Number.MAX_SAFE_INTEGER));
  errs.push(...validateNonNegativeInt(s.collisionCount, 'status.collisionCount'));
  if (errs.length) return errs;
  const replicas = s.replicas ?? 0;
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const) {
    const v = s[k] ?? 0;
    if (v > replicas) errs.push(invalid(`status.${k}`, v, 'cannot be greater than status.replicas'));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0))
    errs.push(invalid('status.availableReplicas', s.availableReplicas, 'cannot be greater than status.readyReplicas'));
  const oldCount = old.status?.collisionCount;
  if (oldCount !== undefined && (s.collisionCount === undefined || s.collisionCount < oldCount))
    errs.push(invalid('status.collisionCount', s.collisionCount ?? 0, 'cannot be decremented'));
  return errs;
}
