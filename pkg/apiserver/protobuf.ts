/**
 * Kubernetes' protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into the
 * JSON form the rest of the apiserver works on. kubectl's typed commands send them
 * (`kubectl create namespace`), and client-go does not fall back to JSON when a server refuses
 * one. A body is the magic `k8s\0` and a runtime.Unknown {typeMeta, raw}; `raw` is the kind's
 * message from k8s.io/api's generated.proto. Only the kinds listed in `kinds` are known here;
 * any other is a 415 asking for JSON. Answers stay JSON (those clients accept both).
 *
 * As with Go's `omitempty`, empty strings, zeros, and empty messages, lists and maps are left out.
 */
import { badRequest, StatusError } from '../api/errors';
import { StatusReason } from '../api/meta';
import { rfc3339 } from '../api/time';

/** The media type. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Value = string | number | boolean | Value[] | { [k: string]: Value };

/** How one field decodes: a scalar, a map<string,string>, a Time, or a nested message. */
type FieldType = 'string' | 'int' | 'stringMap' | 'time' | Schema;
interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
/** A message: its fields by number. */
type Schema = Readonly<Record<number, FieldSpec>>;

const f = (name: string, type: FieldType, repeated = false): FieldSpec => ({
  name,
  type,
  ...(repeated ? { repeated } : {}),
});

const typeMeta: Schema = { 1: f('apiVersion', 'string'), 2: f('kind', 'string') };
const objectMeta: Schema = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  9: f('deletionTimestamp', 'time'),
  10: f('deletionGracePeriodSeconds', 'int'),
  11: f('labels', 'stringMap'),
  12: f('annotations', 'stringMap'),
  14: f('finalizers', 'string', true),
};
const namespace: Schema = {
  1: f('metadata', objectMeta),
  2: f('spec', { 1: f('finalizers', 'string', true) }),
  3: f('status', { 1: f('phase', 'string') }),
};

// The reviews kubectl's typed clients send (auth can-i, auth whoami), from k8s.io/api
// authorization/v1 and authentication/v1 generated.proto. User extra (a map of lists) is not decoded.
const resourceAttributes: Schema = {
  1: f('namespace', 'string'),
  2: f('verb', 'string'),
  3: f('group', 'string'),
  4: f('version', 'string'),
  5: f('resource', 'string'),
  6: f('subresource', 'string'),
  7: f('name', 'string'),
  8: f('fieldSelector', { 1: f('rawSelector', 'string') }),
};
const nonResourceAttributes: Schema = { 1: f('path', 'string'), 2: f('verb', 'string') };
const accessReviewSpec: Schema = {
  1: f('resourceAttributes', resourceAttributes),
  2: f('nonResourceAttributes', nonResourceAttributes),
  3: f('user', 'string'),
  4: f('groups', 'string', true),
  6: f('uid', 'string'),
};
const review = (spec: Schema): Schema => ({ 1: f('metadata', objectMeta), 2: f('spec', spec) });

// rbac/v1 (kubectl create role / clusterrole / rolebinding / clusterrolebinding). Aggregation
// selectors keep only matchLabels (aggregation is stored, not acted on).
const policyRule: Schema = {
  1: f('verbs', 'string', true),
  2: f('apiGroups', 'string', true),
  3: f('resources', 'string', true),
  4: f('resourceNames', 'string', true),
  5: f('nonResourceURLs', 'string', true),
};
const subject: Schema = {
  1: f('kind', 'string'),
  2: f('apiGroup', 'string'),
  3: f('name', 'string'),
  4: f('namespace', 'string'),
};
const roleRef: Schema = { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') };
const role: Schema = { 1: f('metadata', objectMeta), 2: f('rules', policyRule, true) };
const clusterRole: Schema = {
  ...role,
  3: f('aggregationRule', { 1: f('clusterRoleSelectors', { 1: f('matchLabels', 'stringMap') }, true) }),
};
const roleBinding: Schema = { 1: f('metadata', objectMeta), 2: f('subjects', subject, true), 3: f('roleRef', roleRef) };

/** The kinds a protobuf body may carry, by apiVersion/kind. */
const kinds: Readonly<Record<string, Schema>> = {
  'v1/Namespace': namespace,
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: f('metadata', objectMeta) },
  'authentication.k8s.io/v1/TokenReview': review({ 1: f('token', 'string'), 2: f('audiences', 'string', true) }),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': review(accessReviewSpec),
  'authorization.k8s.io/v1/SubjectAccessReview': review(accessReviewSpec),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': review(accessReviewSpec),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': review({ 1: f('namespace', 'string') }),
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/ClusterRole': clusterRole,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': roleBinding,
};

/** Reads protobuf wire format from a slice of a buffer. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private pos = 0,
    private readonly end = buf.length,
  ) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('protobuf body: truncated varint');
      const b = this.buf[this.pos++] ?? 0;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw badRequest('protobuf body: varint too long');
    }
  }

  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.end) throw badRequest('protobuf body: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1 || wireType === 5) {
      this.pos += wireType === 1 ? 8 : 4;
      if (this.pos > this.end) throw badRequest('protobuf body: truncated field');
    } else throw badRequest(`protobuf body: unsupported wire type ${wireType}`);
  }
}

function isEmpty(v: Value | undefined): boolean {
  if (v === undefined || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function decodeField(r: Reader, wireType: number, type: FieldType): Value | undefined {
  if (type === 'int') {
    if (wireType !== 0) throw badRequest('protobuf body: expected a varint');
    return r.varint();
  }
  if (wireType !== 2) throw badRequest('protobuf body: expected a length-delimited field');
  const raw = r.bytes();
  switch (type) {
    case 'string':
      return raw.toString('utf8');
    case 'stringMap': {
      const entry = decodeMessage(raw, { 1: f('key', 'string'), 2: f('value', 'string') });
      return { [String(entry.key ?? '')]: String(entry.value ?? '') };
    }
    case 'time': {
      // metav1.Time is {seconds, nanos}; an empty one is the zero time (JSON null: left out).
      const t = decodeMessage(raw, { 1: f('seconds', 'int'), 2: f('nanos', 'int') });
      return raw.length === 0 ? undefined : rfc3339(new Date(Number(t.seconds ?? 0) * 1000));
    }
    default:
      return decodeMessage(raw, type);
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, Value> {
  const out: Record<string, Value> = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const spec = schema[Math.floor(tag / 8)];
    const wireType = tag & 7;
    if (!spec) {
      r.skip(wireType);
      continue;
    }
    const v = decodeField(r, wireType, spec.type);
    if (spec.type === 'stringMap')
      out[spec.name] = { ...(out[spec.name] as Record<string, Value> | undefined), ...(v as Record<string, Value>) };
    else if (spec.repeated) out[spec.name] = [...((out[spec.name] as Value[] | undefined) ?? []), v ?? ''];
    else if (v !== undefined) out[spec.name] = v;
  }
  for (const [k, v] of Object.entries(out)) if (isEmpty(v)) delete out[k];
  return out;
}

/** Decodes a protobuf request body into an object (apiVersion and kind from its envelope). */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic))
    throw badRequest('protobuf body: missing the k8s\\0 prefix');
  // runtime.Unknown: 1 typeMeta, 2 raw (the object's message), 3 contentEncoding, 4 contentType.
  const r = new Reader(body, magic.length);
  let meta: { apiVersion?: string; kind?: string } = {};
  let raw: Buffer = Buffer.alloc(0);
  while (!r.done()) {
    const tag = r.varint();
    if (tag === (1 << 3) + 2) meta = decodeMessage(r.bytes(), typeMeta);
    else if (tag === (2 << 3) + 2) raw = r.bytes();
    else r.skip(tag & 7);
  }
  const schema = kinds[`${meta.apiVersion ?? ''}/${meta.kind ?? ''}`];
  if (!schema) {
    throw new StatusError(
      415,
      StatusReason.UnsupportedMediaType,
      `protobuf bodies are not accepted for ${meta.apiVersion ?? '?'}/${meta.kind ?? '?'} (only for Namespace, RBAC and the auth reviews): send application/json or application/yaml`,
    );
  }
  return { apiVersion: meta.apiVersion, kind: meta.kind, ...decodeMessage(raw, schema) };
}
