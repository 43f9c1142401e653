/**
 * Validates a custom object against its version's structural schema (the OpenAPI v3 subset:
 * type, properties, required, items, additionalProperties, enum, pattern, minimum/maximum,
 * min/maxLength, min/maxItems, formats int32/int64/date-time, nullable, int-or-string,
 * preserve-unknown-fields). Errors are field errors worded as kube-openapi's validator, so
 * the 422 carries one cause per problem. `metadata` is validated by the store, not here.
 * `x-kubernetes-validations` (CEL) is not evaluated.
 */
import type { JSONSchemaProps } from '../../../api/apiextensions/v1';
import {
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  type FieldError,
} from '../../../api/validation';
import { getOwn } from '../../../util/json/own';
import { compilePattern } from './pattern';

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const got = jsonType(v);
  if (want === 'number') return got === 'number' || got === 'integer';
  return got === want;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function formatProblem(format: string | undefined, v: unknown): string | undefined {
  if (format === 'int32' && typeof v === 'number' && (v < -(2 ** 31) || v > 2 ** 31 - 1))
    return 'must be a 32-bit integer';
  // Any integer in int64's range (a JSON number past 2^53 reaches us rounded to a double, as
  // nanosecond timestamps such as VolumeSnapshotContent's status.creationTime do).
  if (format === 'int64' && typeof v === 'number' && (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63))
    return 'must be a 64-bit integer';
  if (format === 'date-time' && typeof v === 'string' && !rfc3339.test(v)) return 'must be a date-time';
  return undefined;
}

function walk(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  if (v === null) {
    if (s.nullable !== true && s['x-kubernetes-preserve-unknown-fields'] !== true && s.type)
      errs.push(typeInvalid(path, 'null', `${path} in body must be of type ${s.type}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    if (typeof v !== 'string' && !Number.isInteger(v))
      errs.push(typeInvalid(path, v, `${path} in body must be of type integer,string: "${jsonType(v)}"`));
    return;
  }
  if (s.type && !typeMatches(s.type, v)) {
    errs.push(typeInvalid(path, v, `${path} in body must be of type ${s.type}: "${jsonType(v)}"`));
    return;
  }
  if (Array.isArray(s.enum) && s.enum.length > 0 && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    errs.push(
      notSupported(
        path,
        v,
        s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  const fmt = formatProblem(s.format, v);
  if (fmt) errs.push(invalid(path, v, `${path} in body ${fmt}`));
  if (typeof v === 'string') {
    if (s.maxLength !== undefined && [...v].length > s.maxLength) errs.push(tooLong(path, s.maxLength));
    if (s.minLength !== undefined && [...v].length < s.minLength)
      errs.push(invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
    const re = s.pattern !== undefined ? compilePattern(s.pattern) : undefined;
    if (re && !re.test(v)) errs.push(invalid(path, v, `${path} in body should match '${s.pattern ?? ''}'`));
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
      errs.push(
        invalid(
          path,
          v,
          `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`,
        ),
      );
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
      errs.push(
        invalid(path, v, `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`),
      );
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(tooMany(path, v.length, s.maxItems));
    if (s.minItems !== undefined && v.length < s.minItems)
      errs.push(invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
    if (s.items) for (const [i, item] of v.entries()) walk(s.items, item, `${path}[${i}]`, errs);
    return;
  }
  if (typeof v === 'object') walkObject(s, v as Record<string, unknown>, path, errs);
}

function walkObject(s: JSONSchemaProps, v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const join = (k: string) => (path ? `${path}.${k}` : k);
  for (const r of Array.isArray(s.required) ? s.required : [])
    if (getOwn(v, r) === undefined) errs.push(required(join(r), ''));
  for (const [k, child] of Object.entries(v)) {
    if (child === undefined || (path === '' && (k === 'metadata' || k === 'apiVersion' || k === 'kind'))) continue;
    const prop = s.properties ? getOwn<JSONSchemaProps>(s.properties, k) : undefined;
    const sub = prop ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (sub) walk(sub, child, join(k), errs);
  }
}

/** The field errors of any value under `schema`, paths starting at `path` (CRD defaults). */
export function validateValue(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  walk(schema, value, path, errs);
  return errs;
}

/** The field errors of object `obj` under `schema` (root path ''). */
export function validateAgainstSchema(schema: JSONSchemaProps, obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return [invalid('', obj, 'must be an object')];
  walkObject(schema, obj as Record<string, unknown>, '', errs);
  return errs;
}
