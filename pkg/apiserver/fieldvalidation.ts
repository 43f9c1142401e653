/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, default Warn), with the
 * published OpenAPI schemas as the source of truth for which fields exist:
 *
 * - Strict: unknown or duplicate fields fail the request with 400 BadRequest and the message
 *   kube-apiserver gives (`… cannot be handled as a X: strict decoding error: unknown field
 *   "spec.foo"`).
 * - Warn: the request succeeds with one `Warning: 299 - "unknown field \"spec.foo\""` header per
 *   problem (kubectl prints them).
 * - Ignore: the request succeeds silently.
 *
 * Unknown fields are kept, not pruned (Kubernetes drops them because Go structs cannot hold them;
 * here objects are stored as JSON). On update and patch only fields that are new or changed
 * relative to the stored object count, so an object stored under Warn stays writable under Strict.
 * A value of the wrong JSON type (a string where a list belongs, a null where a list holds
 * objects, an int32 field past int32's range) is a 400 whatever the directive, as decoding fails
 * in Kubernetes.
 */
import type { Context } from 'koa';
import { badRequest } from '../api/errors';
import type { KubeObject } from '../api/meta';
import { jsonEqual } from '../util/json/equal';
import { fieldSchema, itemSchema, resolve, schemaForKind, shapeOf } from './openapi/lookup';
import type { Schema } from './openapi/schema';
import { getOwn } from '../util/json/own';

/** The directives of `fieldValidation`. */
export const FieldValidation = { Strict: 'Strict', Warn: 'Warn', Ignore: 'Ignore' } as const;
export type FieldValidation = (typeof FieldValidation)[keyof typeof FieldValidation];

/** The request's directive; a value other than the three is a 400. */
export function fieldValidationDirective(ctx: Pick<Context, 'query'>): FieldValidation {
  const raw = ctx.query.fieldValidation;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === '') return FieldValidation.Warn;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: "${v}"; valid values are Strict, Warn and Ignore`);
}

/** Problems found in a request body. */
export interface FieldProblems {
  /** Dotted paths of fields the schema does not declare (`spec.foo`, `spec.containers[0].bar`). */
  unknown: string[];
  /** Paths of keys given twice in one JSON object. */
  duplicate: string[];
  /** Values of the wrong JSON type: `path: expected string, got number`. */
  typeErrors: string[];
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The range of an `int32` field (Go's decoder refuses numbers outside it). */
const int32Min = -(2 ** 31);
const int32Max = 2 ** 31 - 1;

/** A type error for an int32 field holding a number outside int32's range, else undefined. */
function int32Problem(s: Schema, v: unknown): string | undefined {
  if (s.format !== 'int32' || typeof v !== 'number' || (v >= int32Min && v <= int32Max)) return undefined;
  return `expected int32, got number ${v}`;
}

function scalarOk(s: Schema, v: unknown): boolean {
  if (s.oneOf) return s.oneOf.some((alt) => scalarOk(alt, v));
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Unknown fields and type errors of `value` against `schema`, skipping subtrees equal to the
 * same place in `old` (fields already stored are not the request's doing).
 */
export function schemaProblems(
  value: unknown,
  schema: Schema | undefined,
  old?: unknown,
): Pick<FieldProblems, 'unknown' | 'typeErrors'> {
  const out = { unknown: [] as string[], typeErrors: [] as string[] };
  const walk = (v: unknown, s: Schema | undefined, prev: unknown, path: string): void => {
    if (v === null || v === undefined || (prev !== undefined && jsonEqual(v, prev))) return;
    const r = resolve(s);
    const shape = shapeOf(r);
    if (!r || shape === 'free') return;
    const at = path || '<root>';
    if (shape === 'struct' || shape === 'map') {
      if (!isObject(v)) {
        out.typeErrors.push(`${at}: expected object, got ${jsonType(v)}`);
        return;
      }
      const p = isObject(prev) ? prev : undefined;
      for (const [k, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${k}` : k;
        const cs = fieldSchema(r, k);
        if (!cs) out.unknown.push(childPath);
        else walk(child, cs, p ? getOwn(p, k) : undefined, childPath);
      }
      return;
    }
    if (shape === 'list') {
      if (!Array.isArray(v)) {
        out.typeErrors.push(`${at}: expected array, got ${jsonType(v)}`);
        return;
      }
      const items = itemSchema(r);
      const itemShape = shapeOf(resolve(items));
      const p = Array.isArray(prev) ? prev : [];
      v.forEach((item, i) => {
        if (item === null && p[i] !== null && (itemShape === 'struct' || itemShape === 'map'))
          out.typeErrors.push(`${path}[${i}]: expected object, got null`);
        else walk(item, items, p[i], `${path}[${i}]`);
      });
      return;
    }
    if (!scalarOk(r, v)) out.typeErrors.push(`${at}: expected ${r.type ?? 'value'}, got ${jsonType(v)}`);
    else {
      const range = int32Problem(r, v);
      if (range) out.typeErrors.push(`${at}: ${range}`);
    }
  };
  walk(value, schema, old, '');
  return out;
}

/**
 * Keys repeated within one JSON object of a JSON document, as dotted paths. Not JSON (YAML is
 * checked by its parser): no findings.
 */
export function duplicateFields(raw: string): string[] {
  const found: string[] = [];
  let i = 0;
  const ws = () => {
    for (let c = raw.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = raw.charCodeAt(++i));
  };
  const str = (): string => {
    const start = i;
    let escaped = false;
    for (i++; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        i++;
      }
    }
    i++;
    return escaped ? (JSON.parse(raw.slice(start, i)) as string) : raw.slice(start + 1, i - 1);
  };
  const value = (path: string): void => {
    ws();
    const c = raw[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (raw[i] === '}') {
        i++;
        return;
      }
      while (i < raw.length) {
        ws();
        const key = str();
        const childPath = path ? `${path}.${key}` : key;
        if (seen.has(key)) found.push(childPath);
        seen.add(key);
        ws();
        i++; // ':'
        value(childPath);
        ws();
        if (raw[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (raw[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; i < raw.length; n++) {
        value(`${path}[${n}]`);
        ws();
        if (raw[i++] === ']') return;
      }
    } else if (c === '"') {
      str();
    } else {
      for (
        let c = raw.charCodeAt(i);
        i < raw.length &&
        c !== 0x2c &&
        c !== 0x7d &&
        c !== 0x5d &&
        c !== 0x20 &&
        c !== 0x0a &&
        c !== 0x0d &&
        c !== 0x09;
        c = raw.charCodeAt(++i)
      );
    }
  };
  try {
    const t = raw.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return [];
    value('');
  } catch {
    return [];
  }
  return found;
}

/** What to check of one write. */
export interface FieldCheck {
  kind: { group: string; version: string; kind: string };
  /** The object about to be written. */
  obj: KubeObject;
  /** The stored object (update, patch). */
  old?: KubeObject;
  /** The JSON request body, for duplicate detection (omit for YAML and JSON patches). */
  rawJson?: string;
  directive: FieldValidation;
  /** Unknown fields found by the resource itself (custom resources: what pruning would drop); no built-in schema is used then. */
  unknown?: readonly string[];
}

/** `unknown field "x"` / `duplicate field "x"` messages of a set of problems. */
export function problemMessages(p: Pick<FieldProblems, 'unknown' | 'duplicate'>): string[] {
  return [...p.unknown.map((f) => `unknown field "${f}"`), ...p.duplicate.map((f) => `duplicate field "${f}"`)];
}

/**
 * Checks one write: throws the 400 Kubernetes returns for type errors (always) and for unknown
 * or duplicate fields under Strict; returns the warnings to send under Warn.
 */
export function checkFields(c: FieldCheck): string[] {
  const { group, version, kind } = c.kind;
  const schema = c.unknown ? undefined : schemaForKind(group, version, kind);
  if (!schema && !c.unknown) return [];
  const { unknown, typeErrors } = schema
    ? schemaProblems(c.obj, schema, c.old)
    : { unknown: [...(c.unknown ?? [])], typeErrors: [] as string[] };
  const prefix = `${kind} in version "${version}" cannot be handled as a ${kind}`;
  if (typeErrors.length > 0) throw badRequest(`${prefix}: ${typeErrors.join(', ')}`);
  if (c.directive === FieldValidation.Ignore) return [];
  const duplicate = c.rawJson ? duplicateFields(c.rawJson) : [];
  const messages = problemMessages({ unknown, duplicate });
  if (messages.length === 0) return [];
  if (c.directive === FieldValidation.Strict)
    throw badRequest(`${prefix}: strict decoding error: ${messages.join(', ')}`);
  return messages;
}

/** Sets the Warning headers of a response (replacing earlier ones of the same request). */
export function setWarnings(ctx: Pick<Context, 'set'>, messages: readonly string[]): void {
  if (messages.length === 0) return;
  ctx.set(
    'Warning',
    messages.map((m) => `299 - ${JSON.stringify(m)}`),
  );
}
