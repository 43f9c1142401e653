/**
 * OpenAPI v3 documents: `/openapi/v3` lists one document per group-version (with a content
 * hash in `serverRelativeURL`, which clients use as a cache key), and each document carries
 * the paths of that group-version's resources plus every component schema they reference.
 * Documents are built once; they only depend on the static resource catalogue.
 */
import { createHash } from 'node:crypto';
import { allResources, apiVersionOf, type ResourceInfo } from '../../api/resources';
import { allSchemas } from './definitions';
import { resourcePaths, type PathItem } from './paths';
import { metaName, refPrefix, type Components, type Schema } from './schema';

/** The API version the documents describe. */
const infoVersion = 'v1.32.0';

/** One group-version document. */
export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: Components; securitySchemes: Record<string, unknown> };
}

/** A served document and its serialized form. */
export interface ServedDocument {
  /** `api/v1` or `apis/<group>/<version>`. */
  path: string;
  json: string;
  hash: string;
}

/** The component name of a resource's kind (found by its group-version-kind). */
function componentOf(group: string, version: string, kind: string): string {
  for (const [name, s] of Object.entries(allSchemas)) {
    if (
      s['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind)
    )
      return name;
  }
  throw new Error(`no OpenAPI schema for ${group}/${version} ${kind}`);
}

/** Adds to `into` every component `value` references, transitively. */
export function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(refPrefix)) {
      const name = v.slice(refPrefix.length);
      if (!into.has(name)) {
        into.add(name);
        collectRefs(allSchemas[name], into);
      }
    } else collectRefs(v, into);
  }
}

/** Builds the document of one group-version. */
export function buildDocument(group: string, version: string): OpenApiDocument {
  const resources: ResourceInfo[] = allResources.filter((r) => r.group === group && r.version === version);
  const paths: Record<string, PathItem> = {};
  for (const r of resources) {
    Object.assign(
      paths,
      resourcePaths(r, componentOf(r.group, r.version, r.kind), componentOf(r.group, r.version, r.listKind)),
    );
  }
  const names = new Set<string>();
  collectRefs(paths, names);
  if (group === '') names.add('io.k8s.api.core.v1.Binding');
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
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: infoVersion },
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

/** The URL path (below /openapi/v3/) of a group-version's document. */
export function documentPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

let served: Map<string, ServedDocument> | undefined;

/** A served document of `doc` at `path` (serialized and hashed). */
export function serveDocument(path: string, doc: OpenApiDocument): ServedDocument {
  const json = JSON.stringify(doc);
  return { path, json, hash: createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase() };
}

/** Every group-version document, serialized once, keyed by documentPath. */
export function servedDocuments(): Map<string, ServedDocument> {
  if (served) return served;
  const docs = new Map<string, ServedDocument>();
  const gvs = [...new Set(allResources.map((r) => apiVersionOf(r)))];
  for (const gv of gvs) {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    const path = documentPath(group, version);
    docs.set(path, serveDocument(path, buildDocument(group, version)));
  }
  served = docs;
  return docs;
}

/** The `/openapi/v3` discovery document (`extra`: the documents of custom resources). */
export function openApiIndex(extra: readonly ServedDocument[] = []): {
  paths: Record<string, { serverRelativeURL: string }>;
} {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const d of [...servedDocuments().values(), ...extra])
    paths[d.path] = { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` };
  return { paths };
}
