/**
 * The OpenAPI v2 (Swagger 2.0) document at /openapi/v2, derived from the v3 documents so the
 * two cannot disagree: every component schema of every served v3 document (built-in and
 * custom resources) becomes a `definitions` entry, converted the way kube-apiserver publishes
 * v2 and kube-openapi's `pkg/util/proto` (what kubectl validates with) can read it:
 *
 * - `allOf: [{$ref: #/components/schemas/X}]` → `$ref: #/definitions/X` (a reference carries
 *   no type or properties, only its description and extensions);
 * - `oneOf`/`anyOf`/`not`, `nullable`, `default`, `enum` are dropped (v2 cannot say them);
 *   a type-less union of scalars (Quantity, IntOrString) becomes `type: string`, which kubectl
 *   accepts for any scalar, as Kubernetes' own v2 does;
 * - `x-kubernetes-preserve-unknown-fields` drops `properties`/`items` (kubectl would otherwise
 *   reject the unknown fields the server keeps), and an array left without items loses its type.
 *
 * kubectl reads v2 only to validate `kind: List` files client-side (v3 cannot answer whether
 * `v1 List` supports server-side field validation). `paths` is empty: kubectl takes paths and
 * patch metadata from v3. The protobuf form is in v2_proto.ts.
 */
import { createHash } from 'node:crypto';
import { setOwn } from '../../util/json/own';
import { refPrefix } from './schema';
import { servedDocuments, type ServedDocument } from './v3';

/** Prefix of v2 definition references. */
export const definitionsPrefix = '#/definitions/';

/** A Swagger 2.0 schema object: the fields kubectl reads, plus `x-` extensions. */
export interface SchemaV2 {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, SchemaV2>;
  additionalProperties?: SchemaV2 | boolean;
  items?: SchemaV2;
  [extension: `x-${string}`]: unknown;
}

/** A Swagger 2.0 document (only what this server publishes). */
export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, never>;
  definitions: Record<string, SchemaV2>;
}

/** A v3 schema node as parsed from a served document (built-in or a CRD's, so loosely typed). */
type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const scalarTypes = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The v2 reference of a v3 `$ref` (or of a lone `allOf` member that is one), if any, and if it
 * names a definition in `defined` (when given): kubectl's parser fails the whole document on a
 * reference to a definition it does not have, so one (a CRD's, say) is dropped instead.
 */
function referenceOf(s: Node, defined: ReadonlySet<string> | undefined): string | undefined {
  const direct = s.$ref;
  const allOf = Array.isArray(s.allOf) && s.allOf.length === 1 && isNode(s.allOf[0]) ? s.allOf[0].$ref : undefined;
  const ref = typeof direct === 'string' ? direct : typeof allOf === 'string' ? allOf : undefined;
  if (ref === undefined || !ref.startsWith(refPrefix)) return undefined;
  const name = ref.slice(refPrefix.length);
  if (defined && !defined.has(name)) return undefined;
  return `${definitionsPrefix}${name}`;
}

/** The single scalar type a type-less `oneOf`/`anyOf` of scalars stands for (as v2 spells it). */
function unionType(s: Node): string | undefined {
  const alts = [s.oneOf, s.anyOf].find(Array.isArray);
  if (!alts || alts.length === 0) return undefined;
  return alts.every((a) => isNode(a) && typeof a.type === 'string' && scalarTypes.has(a.type)) ? 'string' : undefined;
}

function copyExtensions(from: Node, to: SchemaV2): void {
  for (const [k, v] of Object.entries(from))
    if (k.startsWith('x-') && v !== undefined) setOwn(to as Record<string, unknown>, k, v);
}

/**
 * Converts one v3 schema object to its v2 form (see the file comment for the rules); with
 * `defined`, a reference to a name outside it is dropped (the schema then says nothing).
 */
export function toV2Schema(value: unknown, defined?: ReadonlySet<string>): SchemaV2 {
  const s = isNode(value) ? value : {};
  const out: SchemaV2 = {};
  if (typeof s.description === 'string') out.description = s.description;
  const ref = referenceOf(s, defined);
  if (ref) {
    out.$ref = ref;
    copyExtensions(s, out);
    return out;
  }
  const free = s['x-kubernetes-preserve-unknown-fields'] === true;
  const nullable = s.nullable === true;
  let type = typeof s.type === 'string' ? s.type : unionType(s);
  if (nullable) type = undefined;
  if (typeof s.format === 'string') out.format = s.format;
  if (!free && !nullable) {
    if (isNode(s.properties)) {
      const props: Record<string, SchemaV2> = Object.create(null);
      for (const [name, p] of Object.entries(s.properties)) setOwn(props, name, toV2Schema(p, defined));
      out.properties = props;
    }
    if (s.items !== undefined) out.items = toV2Schema(Array.isArray(s.items) ? s.items[0] : s.items, defined);
  }
  if (type === 'array' && out.items === undefined) type = undefined;
  if (type !== undefined) out.type = type;
  if (Array.isArray(s.required)) out.required = s.required.filter((r): r is string => typeof r === 'string');
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  else if (isNode(s.additionalProperties)) out.additionalProperties = toV2Schema(s.additionalProperties, defined);
  copyExtensions(s, out);
  return out;
}

/** The component schemas of a served v3 document, in document order. */
function componentsOf(doc: ServedDocument): [string, unknown][] {
  const parsed: unknown = JSON.parse(doc.json);
  const components = isNode(parsed) && isNode(parsed.components) ? parsed.components.schemas : undefined;
  return isNode(components) ? Object.entries(components) : [];
}

/**
 * Builds the v2 document of the given v3 documents (a name defined twice keeps its first
 * schema); every reference in it resolves.
 */
export function buildSwagger(docs: Iterable<ServedDocument>): SwaggerDocument {
  const components = [...docs].flatMap(componentsOf);
  const defined = new Set(components.map(([name]) => name));
  const definitions: Record<string, SchemaV2> = Object.create(null);
  for (const [name, schema] of components)
    if (!Object.hasOwn(definitions, name)) setOwn(definitions, name, toV2Schema(schema, defined));
  const sorted: Record<string, SchemaV2> = Object.create(null);
  for (const name of Object.keys(definitions).sort()) setOwn(sorted, name, definitions[name] ?? {});
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: sorted };
}

/** A v2 document in both served encodings, with the ETag they share (responses vary by Accept). */
export interface ServedSwagger {
  document: SwaggerDocument;
  json: string;
  /** Encoded on first use (kubectl asks for it; browsers and curl mostly ask for JSON). */
  proto: () => Buffer;
  etag: string;
}

let memo: { key: string; served: ServedSwagger } | undefined;

/**
 * The v2 document of the built-in documents plus `dynamic` (the custom resources' documents
 * of the moment), rebuilt only when one of those documents changed. `encode` is the protobuf
 * encoder (injected so this file stays free of wire details).
 */
export function servedSwagger(
  dynamic: readonly ServedDocument[],
  encode: (doc: SwaggerDocument) => Buffer,
): ServedSwagger {
  const docs = [...servedDocuments().values(), ...dynamic];
  const key = docs.map((d) => `${d.path}=${d.hash}`).join(',');
  if (memo?.key === key) return memo.served;
  const document = buildSwagger(docs);
  const json = JSON.stringify(document);
  let proto: Buffer | undefined;
  const served: ServedSwagger = {
    document,
    json,
    proto: () => {
      proto ??= encode(document);
      return proto;
    },
    etag: createHash('sha512').update(json).digest('hex').toUpperCase(),
  };
  memo = { key, served };
  return served;
}
