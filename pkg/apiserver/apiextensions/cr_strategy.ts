/**
 * The Strategy of one served version of a custom resource, built from its CRD: the generic
 * Store serves custom objects with it exactly as it serves built-ins. Create and update prune
 * unknown fields, apply the schema's defaults, then validate against the schema; with the status
 * subresource, the main resource cannot change status (and create drops it) and /status
 * cannot change anything else. No strategic merge patch (415), as kube-apiserver for CRs.
 */
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
} from '../../api/apiextensions/v1';
import { StatusError } from '../../api/errors';
import { StatusReason, type KubeObject } from '../../api/meta';
import type { ResourceInfo } from '../../api/resources';
import { jsonClone } from '../../util/json/clone';
import { defaultStrategy, type Strategy } from '../registry/strategy';
import { customResourcePrinter } from './printer';
import { customResourceScale } from './scale';
import { applyDefaults } from './schema/default';
import { prune, unknownFieldPaths } from './schema/prune';
import { validateAgainstSchema } from './schema/validate';

/** Patch types custom resources accept. */
export const customResourcePatchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** The ResourceInfo of one version of a CRD (from its accepted names). */
export function customResourceInfo(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion): ResourceInfo {
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const sub = v.subresources ?? {};
  return {
    group: crd.spec.group,
    version: v.name,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    resource: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    namespaced: crd.spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    subresources: [...(sub.status ? ['status'] : []), ...(sub.scale ? ['scale'] : [])],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    ...(names.categories?.length ? { categories: names.categories } : {}),
  };
}

type Custom = KubeObject & { status?: unknown };

/** The version's schema (an open object when the CRD has none). */
export function versionSchema(v: CustomResourceDefinitionVersion): JSONSchemaProps {
  return v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

/** The strategy of version `v` of `crd`; while `terminating()` (the CRD is being deleted) creates are a 405. */
export function customResourceStrategy(
  crd: CustomResourceDefinition,
  v: CustomResourceDefinitionVersion,
  terminating: () => boolean = () => false,
): Strategy {
  const schema = versionSchema(v);
  const hasStatus = v.subresources?.status !== undefined;
  const shape = (obj: KubeObject): KubeObject => {
    const { metadata, ...rest } = obj;
    const body = applyDefaults(schema, prune(schema, jsonClone(rest)));
    return { ...body, metadata } as KubeObject;
  };
  return {
    ...defaultStrategy,
    info: customResourceInfo(crd, v),
    hasStatus,
    prepareForCreate: (obj) => {
      if (terminating())
        throw new StatusError(
          405,
          StatusReason.MethodNotAllowed,
          'create not allowed while custom resource definition is terminating',
        );
      const out = shape(obj) as Custom;
      if (hasStatus) delete out.status;
      return out;
    },
    validate: (obj) => validateAgainstSchema(schema, obj),
    prepareForUpdate: (obj) => shape(obj),
    validateUpdate: (obj) => validateAgainstSchema(schema, obj),
    prepareForStatusUpdate: (obj) => shape(obj),
    validateStatusUpdate: (obj) => validateAgainstSchema(schema, obj),
    printer: customResourcePrinter(v.additionalPrinterColumns),
    patchTypes: customResourcePatchTypes,
    unknownFields: (obj) => unknownFieldPaths(schema, { ...obj, metadata: {} }),
    ...(v.subresources?.scale ? { scale: customResourceScale(v.subresources.scale) } : {}),
  };
}
