/**
 * OpenAPI v3 documents of custom resources, published from their CRDs' schemas as
 * kube-apiserver does: one document per group-version with the resources' paths (PATCH
 * accepts no strategic merge patch, so kubectl computes merge patches) and a component per
 * kind named `<reversed group>.<version>.<Kind>`, carrying x-kubernetes-group-version-kind
 * (what `kubectl explain` looks up). The CRD kind itself is published with its spec and status
 * fields (crd_openapi.ts).
 */
import type { CustomResourceDefinition, JSONSchemaProps } from '../../api/apiextensions/v1';
import { apiextensionsGroup, customResourceDefinitions } from '../../api/apiextensions/v1';
import type { ResourceInfo } from '../../api/resources';
import { allSchemas } from '../openapi/definitions';
import { resourcePaths, type PathItem } from '../openapi/paths';
import { metaName, refPrefix, type Components, type Schema } from '../openapi/schema';
import { collectRefs, documentPath, serveDocument, type OpenApiDocument, type ServedDocument } from '../openapi/v3';
import { customResourceDefinitionSchema } from './crd_openapi';
import { customResourceInfo, customResourcePatchTypes, versionSchema } from './cr_strategy';

/** The component name of a kind: `io.k8s.storage.snapshot.v1.VolumeSnapshot`. */
export function componentName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function kindSchema(info: ResourceInfo, s: JSONSchemaProps): Schema {
  const base = s as unknown as Schema;
  const props = { ...(base.properties ?? {}) };
  props.apiVersion = {
    type: 'string',
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  };
  props.kind = {
    type: 'string',
    description: 'Kind is a string value representing the REST resource this object represents.',
  };
  props.metadata = {
    allOf: [{ $ref: `${refPrefix}${metaName('ObjectMeta')}` }],
    description: 'Standard object metadata.',
  };
  return {
    ...base,
    type: 'object',
    properties: props,
    'x-kubernetes-group-version-kind': [{ group: info.group, version: info.version, kind: info.kind }],
  };
}

function listSchema(info: ResourceInfo, itemName: string): Schema {
  return {
    type: 'object',
    description: `${info.listKind} is a list of ${info.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: { allOf: [{ $ref: `${refPrefix}${itemName}` }] } },
      metadata: { allOf: [{ $ref: `${refPrefix}${metaName('ListMeta')}` }] },
    },
    'x-kubernetes-group-version-kind': [{ group: info.group, version: info.version, kind: info.listKind }],
  };
}

interface Entry {
  info: ResourceInfo;
  schema: JSONSchemaProps;
  patchTypes?: readonly string[];
}

function buildDocument(entries: readonly Entry[]): OpenApiDocument {
  const paths: Record<string, PathItem> = {};
  const own: Components = {};
  for (const e of entries) {
    const k = componentName(e.info.group, e.info.version, e.info.kind);
    const l = componentName(e.info.group, e.info.version, e.info.listKind);
    own[k] = kindSchema(e.info, e.schema);
    own[l] = listSchema(e.info, k);
    Object.assign(paths, resourcePaths(e.info, k, l, e.patchTypes));
  }
  const names = new Set<string>();
  collectRefs(paths, names);
  collectRefs(Object.values(own), names);
  collectRefs(
    [...names].map((n) => allSchemas[n]),
    names,
  );
  names.add(metaName('Status'));
  const schemas: Components = {};
  for (const n of [...names].sort()) {
    const s: Schema | undefined = allSchemas[n];
    if (s) schemas[n] = s;
  }
  Object.assign(schemas, own);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  };
}

/** The documents of the served CRDs plus apiextensions.k8s.io/v1 itself, keyed by documentPath. */
export function customResourceDocuments(crds: readonly CustomResourceDefinition[]): Map<string, ServedDocument> {
  const byGv = new Map<string, Entry[]>();
  const add = (group: string, version: string, e: Entry) => {
    const path = documentPath(group, version);
    byGv.set(path, [...(byGv.get(path) ?? []), e]);
  };
  add(apiextensionsGroup, 'v1', { info: customResourceDefinitions, schema: customResourceDefinitionSchema });
  for (const crd of crds)
    for (const v of crd.spec.versions.filter((x) => x.served))
      add(crd.spec.group, v.name, {
        info: customResourceInfo(crd, v),
        schema: versionSchema(v),
        patchTypes: customResourcePatchTypes,
      });
  const out = new Map<string, ServedDocument>();
  for (const [path, entries] of byGv) out.set(path, serveDocument(path, buildDocument(entries)));
  return out;
}

let memo: { key: string; docs: Map<string, ServedDocument> } | undefined;

/** customResourceDocuments, rebuilt only when a served CRD changed. */
export function cachedCustomResourceDocuments(crds: readonly CustomResourceDefinition[]): Map<string, ServedDocument> {
  const key = crds.map((c) => `${c.metadata.uid ?? ''}/${c.metadata.resourceVersion ?? ''}`).join(',');
  if (memo?.key !== key) memo = { key, docs: customResourceDocuments(crds) };
  return memo.docs;
}
