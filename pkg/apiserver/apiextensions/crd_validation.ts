/**
 * Validation of CustomResourceDefinitions as kube-apiserver's apiextensions validation does it:
 * `<plural>.<group>` names, DNS-label names, kinds, scope, versions (exactly one storage
 * version), printer columns, subresource paths, and a structural schema per version.
 */
import {
  ResourceScope,
  type CustomResourceDefinition,
  type CustomResourceDefinitionVersion,
  type CustomResourceDefinitionNames,
} from '../../api/apiextensions/v1';
import {
  checkField,
  duplicate,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  notSupported,
  required,
  validateImmutableField,
  type FieldError,
} from '../../api/validation';
import { validateStructural } from './schema/structural';

const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function isDNS1035Label(v: string): string[] {
  if (v.length > 63) return ['must be no more than 63 characters'];
  return dns1035.test(v)
    ? []
    : [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ];
}

const kindFormat = 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?';

/** Validates the names of a CRD (spec.names or status.acceptedNames). */
export function validateNames(n: CustomResourceDefinitionNames | undefined, path: string): FieldError[] {
  if (!n || typeof n !== 'object') return [required(path, '')];
  const errs: FieldError[] = [];
  const label = (v: unknown, field: string, requiredValue: boolean) => {
    if (v === undefined || v === '') {
      if (requiredValue) errs.push(required(field, ''));
      return;
    }
    if (typeof v !== 'string') errs.push(invalid(field, v, 'must be a string'));
    else errs.push(...checkField(v, field, isDNS1123Label));
  };
  label(n.plural, `${path}.plural`, true);
  label(n.singular, `${path}.singular`, false);
  const kind = (v: unknown, field: string, requiredValue: boolean) => {
    if (v === undefined || v === '') {
      if (requiredValue) errs.push(required(field, ''));
      return;
    }
    if (typeof v !== 'string' || isDNS1035Label(v.toLowerCase()).length > 0) errs.push(invalid(field, v, kindFormat));
  };
  kind(n.kind, `${path}.kind`, true);
  kind(n.listKind, `${path}.listKind`, false);
  if (n.listKind !== undefined && n.listKind === n.kind)
    errs.push(invalid(`${path}.listKind`, n.listKind, 'kind and listKind may not be the same'));
  for (const [i, s] of (Array.isArray(n.shortNames) ? n.shortNames : []).entries())
    label(s, `${path}.shortNames[${i}]`, true);
  for (const [i, c] of (Array.isArray(n.categories) ? n.categories : []).entries())
    label(c, `${path}.categories[${i}]`, true);
  return errs;
}

const columnTypes = ['integer', 'number', 'string', 'boolean', 'date'];

function validateVersion(v: CustomResourceDefinitionVersion, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!v.name) errs.push(required(`${path}.name`, ''));
  else errs.push(...checkField(v.name, `${path}.name`, isDNS1035Label));
  const schema = v.schema?.openAPIV3Schema;
  if (!schema) errs.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else errs.push(...validateStructural(schema, `${path}.schema.openAPIV3Schema`));
  for (const [i, c] of (v.additionalPrinterColumns ?? []).entries()) {
    const p = `${path}.additionalPrinterColumns[${i}]`;
    if (!c.name) errs.push(required(`${p}.name`, ''));
    if (!columnTypes.includes(c.type)) errs.push(notSupported(`${p}.type`, c.type, columnTypes));
    if (!c.jsonPath) errs.push(required(`${p}.jsonPath`, ''));
    else if (!c.jsonPath.startsWith('.'))
      errs.push(invalid(`${p}.jsonPath`, c.jsonPath, 'must be a simple json path starting with .'));
  }
  const scale = v.subresources?.scale;
  if (scale) {
    const p = `${path}.subresources.scale`;
    if (!scale.specReplicasPath?.startsWith('.spec.'))
      errs.push(invalid(`${p}.specReplicasPath`, scale.specReplicasPath ?? '', 'should be a json path under .spec'));
    if (!scale.statusReplicasPath?.startsWith('.status.'))
      errs.push(
        invalid(`${p}.statusReplicasPath`, scale.statusReplicasPath ?? '', 'should be a json path under .status'),
      );
    if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath))
      errs.push(
        invalid(
          `${p}.labelSelectorPath`,
          scale.labelSelectorPath,
          'should be a json path under either .spec or .status',
        ),
      );
  }
  return errs;
}

/** Validates a CRD on create. */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return [required('spec', '')];
  const group = spec.group;
  if (!group) errs.push(required('spec.group', ''));
  else {
    errs.push(...checkField(group, 'spec.group', isDNS1123Subdomain));
    if (group.split('.').length < 2)
      errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  errs.push(...validateNames(spec.names, 'spec.names'));
  const expected = `${spec.names?.plural ?? ''}.${group ?? ''}`;
  if (crd.metadata.name !== expected)
    errs.push(invalid('metadata.name', crd.metadata.name ?? '', `must be spec.names.plural+"."+spec.group`));
  const scopes = Object.values(ResourceScope) as string[];
  if (!spec.scope) errs.push(required('spec.scope', ''));
  else if (!scopes.includes(spec.scope)) errs.push(notSupported('spec.scope', spec.scope, scopes));
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    errs.push(required('spec.versions', 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  for (const [i, v] of versions.entries()) {
    if (seen.has(v.name)) errs.push(duplicate(`spec.versions[${i}].name`, v.name));
    seen.add(v.name);
    errs.push(...validateVersion(v, `spec.versions[${i}]`));
  }
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length > 0 && storage !== 1)
    errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (versions.length > 0 && !versions.some((v) => v.served))
    errs.push(invalid('spec.versions', versions, 'must have at least one version marked as served'));
  if (spec.conversion && spec.conversion.strategy !== 'None')
    errs.push(notSupported('spec.conversion.strategy', spec.conversion.strategy, ['None']));
  if (spec.preserveUnknownFields === true)
    errs.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  return errs;
}

/** Validates a CRD update: the create checks, plus an immutable scope and group. */
export function validateCustomResourceDefinitionUpdate(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition,
): FieldError[] {
  return [
    ...validateCustomResourceDefinition(crd),
    ...validateImmutableField(crd.spec?.scope, old.spec.scope, 'spec.scope'),
    ...validateImmutableField(crd.spec?.group, old.spec.group, 'spec.group'),
  ];
}

/** Status writes may not set storedVersions to drop the storage version. */
export function validateCustomResourceDefinitionStatus(crd: CustomResourceDefinition): FieldError[] {
  const stored = crd.status?.storedVersions ?? [];
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  if (stored.length > 0 && storage && !stored.includes(storage))
    return [invalid('status.storedVersions', stored, 'must have the storage version')];
  if (crd.status?.acceptedNames) return validateNames(crd.status.acceptedNames, 'status.acceptedNames');
  return [];
}
