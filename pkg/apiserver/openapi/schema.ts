/**
 * OpenAPI v3 schema objects as Kubernetes publishes them, and small builders for writing the
 * definitions of our kinds. The same schema objects are served at /openapi/v3 and used by the
 * server itself (field validation, strategic merge patch, server-side apply), so what kubectl
 * sees and what the server enforces cannot drift apart.
 */

/** JSON types a schema may declare. */
export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** A group/version/kind triple as the `x-kubernetes-group-version-kind` extension spells it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** An OpenAPI v3 schema object (the subset Kubernetes uses) with the Kubernetes extensions. */
export interface Schema {
  description?: string;
  type?: SchemaType;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: string[];
  uniqueItems?: boolean;
  default?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-unions'?: unknown[];
}

/** Named schemas (`components.schemas`). */
export type Components = Record<string, Schema>;

/** Prefix of component references. */
export const refPrefix = '#/components/schemas/';

/** Extensions of a list field: its SMP strategy and SSA list type. */
export interface ListOptions {
  /** Strategic merge key (`x-kubernetes-patch-merge-key`); implies patch strategy merge. */
  mergeKey?: string;
  /** Patch strategy; defaults to `merge` when a merge key is given. */
  strategy?: string;
  /** SSA list type; derived from mergeKey/strategy when omitted. */
  listType?: 'atomic' | 'set' | 'map';
  /** SSA keys of a map list; defaults to [mergeKey]. */
  mapKeys?: string[];
}

/** A string field. */
export function str(description: string, extra: Partial<Schema> = {}): Schema {
  return { description, type: 'string', ...extra };
}

/** A string field restricted to literal values. */
export function oneOf(description: string, values: readonly string[]): Schema {
  return { description, type: 'string', enum: [...values] };
}

/** A 32-bit integer field. */
export function int32(description: string): Schema {
  return { description, type: 'integer', format: 'int32' };
}

/** A 64-bit integer field. */
export function int64(description: string): Schema {
  return { description, type: 'integer', format: 'int64' };
}

/** A boolean field. */
export function bool(description: string): Schema {
  return { description, type: 'boolean' };
}

/** A reference to a named schema (`allOf: [{$ref}]`, as Kubernetes writes struct fields). */
export function ref(name: string, description: string, extra: Partial<Schema> = {}): Schema {
  return { description, allOf: [{ $ref: `${refPrefix}${name}` }], default: {}, ...extra };
}

/** A bare `$ref` (list items, map values). */
export function refOnly(name: string): Schema {
  return { allOf: [{ $ref: `${refPrefix}${name}` }], default: {} };
}

/** A list field; merge key / strategy / list type as Kubernetes tags them. */
export function list(items: Schema, description: string, opts: ListOptions = {}): Schema {
  const s: Schema = { description, type: 'array', items };
  const strategy = opts.strategy ?? (opts.mergeKey ? 'merge' : undefined);
  if (opts.mergeKey) s['x-kubernetes-patch-merge-key'] = opts.mergeKey;
  if (strategy) s['x-kubernetes-patch-strategy'] = strategy;
  const scalarItems = items.type !== undefined && items.type !== 'object' && items.type !== 'array';
  const listType =
    opts.listType ?? (opts.mergeKey ? 'map' : strategy?.split(',').includes('merge') && scalarItems ? 'set' : 'atomic');
  s['x-kubernetes-list-type'] = listType;
  if (listType === 'map') s['x-kubernetes-list-map-keys'] = opts.mapKeys ?? (opts.mergeKey ? [opts.mergeKey] : []);
  return s;
}

/** A list of strings (atomic unless `opts` says otherwise). */
export function strings(description: string, opts: ListOptions = {}): Schema {
  return list({ type: 'string', default: '' }, description, opts);
}

/** A map with string keys. */
export function mapOf(values: Schema, description: string, mapType?: 'atomic' | 'granular'): Schema {
  return {
    description,
    type: 'object',
    additionalProperties: values,
    ...(mapType ? { 'x-kubernetes-map-type': mapType } : {}),
  };
}

/** A string→string map (labels, annotations, parameters). */
export function stringMap(description: string, mapType?: 'atomic' | 'granular'): Schema {
  return mapOf({ type: 'string', default: '' }, description, mapType);
}

/** A map of resource quantities (capacity, requests). */
export function quantities(description: string): Schema {
  return mapOf(refOnly(quantityName), description);
}

/** An object whose contents this server does not describe (kept, not validated). */
export function freeForm(description: string): Schema {
  return { description, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

/** A struct definition. */
export function struct(description: string, properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema {
  return { description, type: 'object', properties, ...extra };
}

/** A top-level kind: a struct carrying its group/version/kind. */
export function kind(
  gvk: GroupVersionKind,
  description: string,
  properties: Record<string, Schema>,
  extra: Partial<Schema> = {},
): Schema {
  return struct(description, properties, { ...extra, 'x-kubernetes-group-version-kind': [gvk] });
}

/** Names of the apimachinery schemas every group references. */
export const metaName = (n: string): string => `io.k8s.apimachinery.pkg.apis.meta.v1.${n}`;
export const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const coreName = (n: string): string => `io.k8s.api.core.v1.${n}`;
/** The group/version/kind of a core/v1 kind. */
export const coreGvk = (kind: string): GroupVersionKind => ({ group: '', version: 'v1', kind });
export const storageName = (n: string): string => `io.k8s.api.storage.v1.${n}`;
export const coordinationName = (n: string): string => `io.k8s.api.coordination.v1.${n}`;

/** A timestamp field (metav1.Time). */
export function time(description: string): Schema {
  return ref(metaName('Time'), description);
}

/** A microsecond timestamp field (metav1.MicroTime). */
export function microTime(description: string): Schema {
  return ref(metaName('MicroTime'), description);
}

/** The apiVersion / kind / metadata fields of every kind. */
export function typeMeta(): Record<string, Schema> {
  return {
    apiVersion: str(
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    ),
    kind: str(
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
    ),
  };
}

/** apiVersion, kind and standard object metadata. */
export function objectHeader(): Record<string, Schema> {
  return {
    ...typeMeta(),
    metadata: ref(
      metaName('ObjectMeta'),
      "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    ),
  };
}

/** The XxxList kind of an item kind. */
export function listKind(gvk: GroupVersionKind, itemName: string, description: string): Schema {
  return kind(
    { ...gvk, kind: `${gvk.kind}List` },
    description,
    {
      ...typeMeta(),
      items: list(refOnly(itemName), `items is a list of ${gvk.kind} objects.`),
      metadata: ref(
        metaName('ListMeta'),
        'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      ),
    },
    { required: ['items'] },
  );
}
