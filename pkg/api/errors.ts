/**
 * The one error type of the API: a StatusError carries a metav1.Status. The apiserver throws
 * them and renders them; the client decodes Status bodies back into them. Callers test errors
 * with the predicates below, never by matching messages.
 */
import { type Status, type StatusCause, type StatusDetails, StatusReason } from './meta';

/** An API error carrying the Status the server returns (or returned). */
export class StatusError extends Error {
  readonly status: Status;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
      ...(details ? { details } : {}),
    };
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason ?? StatusReason.Unknown;
  }

  /** Rebuilds the error from a Status body received over the wire. */
  static fromStatus(s: Status): StatusError {
    return new StatusError(
      s.code,
      s.reason ?? StatusReason.Unknown,
      s.message ?? `request failed with ${s.code}`,
      s.details,
    );
  }
}

/** What a resource is called in error messages: `persistentvolumeclaims "x"`. */
export interface Qualified {
  group?: string;
  resource: string;
}

function qualifiedName(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

export function notFound(q: Qualified, name: string): StatusError {
  return new StatusError(404, StatusReason.NotFound, `${qualifiedName(q)} "${name}" not found`, {
    name,
    kind: q.resource,
    ...(q.group ? { group: q.group } : {}),
  });
}

export function alreadyExists(q: Qualified, name: string): StatusError {
  return new StatusError(409, StatusReason.AlreadyExists, `${qualifiedName(q)} "${name}" already exists`, {
    name,
    kind: q.resource,
  });
}

export function conflict(q: Qualified, name: string, why: string): StatusError {
  return new StatusError(
    409,
    StatusReason.Conflict,
    `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": ${why}`,
    { name, kind: q.resource },
  );
}

/**
 * 403: the request is well-formed but refused, worded as Kubernetes' NewForbidden:
 * `namespaces "default" is forbidden: …`, `persistentvolumes is forbidden: …` (no name),
 * `forbidden: …` (no resource: a non-resource URL).
 */
export function forbidden(q: Qualified, name: string, why: string, causes?: StatusCause[]): StatusError {
  const what = !q.resource
    ? 'forbidden'
    : name
      ? `${qualifiedName(q)} "${name}" is forbidden`
      : `${qualifiedName(q)} is forbidden`;
  return new StatusError(403, StatusReason.Forbidden, `${what}: ${why}`, {
    name,
    kind: q.resource,
    ...(q.group ? { group: q.group } : {}),
    ...(causes ? { causes } : {}),
  });
}

/** 422 with one cause per field error, as Kubernetes renders validation failures. */
export function invalid(kind: string, name: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`).join(', ');
  return new StatusError(422, StatusReason.Invalid, `${kind} "${name}" is invalid: ${list}`, { name, kind, causes });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, StatusReason.BadRequest, message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, StatusReason.Expired, message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, StatusReason.InternalError, `Internal error occurred: ${message}`);
}

/** Cause type of a resourceVersion newer than the store has (metav1.CauseTypeResourceVersionTooLarge). */
export const causeResourceVersionTooLarge = 'ResourceVersionTooLarge';

/**
 * The 504 kube-apiserver answers a read at a resourceVersion the store has not reached after
 * a short wait: `Too large resource version: R, current: C`, retry after 1 s.
 */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(504, StatusReason.Timeout, `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: causeResourceVersionTooLarge, message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** 408: the client did not send its request (body) within the server's deadline. */
export function requestTimeout(message: string): StatusError {
  return new StatusError(408, StatusReason.Timeout, message);
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, StatusReason.ServiceUnavailable, message);
}

function reasonOf(err: unknown): StatusReason | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}

export const isNotFound = (err: unknown): boolean => reasonOf(err) === StatusReason.NotFound;
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === StatusReason.AlreadyExists;
export const isConflict = (err: unknown): boolean => reasonOf(err) === StatusReason.Conflict;
export const isInvalid = (err: unknown): boolean => reasonOf(err) === StatusReason.Invalid;
export const isForbidden = (err: unknown): boolean => reasonOf(err) === StatusReason.Forbidden;
export const isUnauthorized = (err: unknown): boolean => reasonOf(err) === StatusReason.Unauthorized;
/** True when the error's Status names `cause` among its causes (e.g. NamespaceTerminating). */
export const hasStatusCause = (err: unknown, cause: string): boolean =>
  err instanceof StatusError && (err.status.details?.causes ?? []).some((c) => c.reason === cause);
/** 410: the resourceVersion is too old (Gone or Expired). */
export const isGone = (err: unknown): boolean =>
  err instanceof StatusError &&
  (err.code === 410 || err.reason === StatusReason.Gone || err.reason === StatusReason.Expired);
