/**
 * Field errors, as k8s.io/apimachinery/pkg/util/validation/field defines them: each error names
 * the field path (`spec.containers[0].image`), its type, and a message rendered the way
 * Kubernetes renders `ErrorBody()` (`Invalid value: "x": <detail>`). A list of them becomes one
 * 422 Invalid Status through toStatusError, one cause per error.
 */
import { invalid as invalidStatus, type StatusError } from '../errors';
import { semanticEqual } from './equality';

/** The error types Kubernetes uses (the `reason` of a Status cause). */
export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

/** One validation failure of one field. `message` excludes the field path. */
export interface FieldError {
  type: FieldErrorType;
  /** Path of the field: `metadata.name`, `spec.capacity[storage]`, `spec.volumes[0].emptyDir`. */
  field: string;
  /** The Kubernetes ErrorBody: `Required value`, `Invalid value: "x": detail`, … */
  message: string;
}

/**
 * Renders a value as Go's `%#v` would for the JSON types: strings quoted, numbers and booleans
 * bare, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function make(type: FieldErrorType, field: string, body: string, detail?: string): FieldError {
  return { type, field, message: detail ? `${body}: ${detail}` : body };
}

/** `Required value[: detail]`: a required field is missing or empty. */
export function required(field: string, detail?: string): FieldError {
  return make(FieldErrorType.Required, field, 'Required value', detail);
}

/** `Invalid value: <value>[: detail]`: the value is malformed or out of range. */
export function invalid(field: string, value: unknown, detail?: string): FieldError {
  return make(FieldErrorType.Invalid, field, `Invalid value: ${formatValue(value)}`, detail);
}

/** `Unsupported value: <value>: supported values: "a", "b"`: the value is not in an enumeration. */
export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : undefined;
  return make(FieldErrorType.NotSupported, field, `Unsupported value: ${formatValue(value)}`, detail);
}

/** `Forbidden[: detail]`: the field may not be set (or changed) here. */
export function forbidden(field: string, detail?: string): FieldError {
  return make(FieldErrorType.Forbidden, field, 'Forbidden', detail);
}

/** `Duplicate value: <value>`: the value must be unique within its list. */
export function duplicate(field: string, value: unknown): FieldError {
  return make(FieldErrorType.Duplicate, field, `Duplicate value: ${formatValue(value)}`);
}

/** `Not found: <value>`: the value refers to something that does not exist. */
export function notFound(field: string, value: unknown): FieldError {
  return make(FieldErrorType.NotFound, field, `Not found: ${formatValue(value)}`);
}

/** `Too long: must have at most <max> bytes`: the value (or a collection) exceeds a size limit. */
export function tooLong(field: string, max: number): FieldError {
  return make(FieldErrorType.TooLong, field, 'Too long', `must have at most ${max} bytes`);
}

/** `Too many: <actual>: must have at most <max> items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return make(FieldErrorType.TooMany, field, `Too many: ${actual}`, `must have at most ${max} items`);
}

/** `Invalid value: <value>: <detail>` typed as a wrong JSON type (e.g. a number where a string belongs). */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return make(FieldErrorType.TypeInvalid, field, `Invalid value: ${formatValue(value)}`, detail);
}

/** `Invalid value: <new>: field is immutable` unless the two values are equal (by JSON value). */
export function validateImmutableField(newValue: unknown, oldValue: unknown, field: string): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(field, newValue, 'field is immutable')];
}

/** `field: message`, the line Kubernetes prints for one error. */
export function formatFieldError(err: FieldError): string {
  return `${err.field}: ${err.message}`;
}

/**
 * The 422 Invalid StatusError for `kind` `name` failing with `errs` (one cause per error,
 * `reason` = the error type). Callers only build it for a non-empty list.
 */
export function toStatusError(kind: string, name: string, errs: readonly FieldError[]): StatusError {
  return invalidStatus(
    kind,
    name,
    errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  );
}
