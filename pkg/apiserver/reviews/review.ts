/**
 * The shared shape of a review: POST a body with a spec, get it back with a status (201), as
 * kube-apiserver serves TokenReview, SubjectAccessReview and their self-* forms. Nothing is stored.
 */
import type { Context } from 'koa';
import { badRequest, invalid, notFound, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import { apiVersionOf, type ResourceInfo } from '../../api/resources';
import { bodyMediaType, decodeObject, readBody } from '../body';
import type { RequestInfo } from '../request_info';

/** A decoded review body: its spec is the question. */
export interface ReviewBody {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  spec?: unknown;
}

/** Reads a review spec (or a part of it), turning wrong types into 422s at the right field path. */
export class SpecReader {
  constructor(
    readonly kind: string,
    private readonly o: Record<string, unknown>,
    private readonly path = 'spec',
  ) {}

  /** A nested object, or undefined when absent. */
  object(field: string): SpecReader | undefined {
    const v = this.o[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.invalid(field, 'must be an object');
    return new SpecReader(this.kind, v as Record<string, unknown>, `${this.path}.${field}`);
  }

  /** A string ('' when absent). */
  string(field: string): string {
    const v = this.o[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw this.invalid(field, 'must be a string');
    return v;
  }

  /** A list of strings ([] when absent). */
  strings(field: string): string[] {
    const v = this.o[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
      throw this.invalid(field, 'must be a list of strings');
    return v as string[];
  }

  /** A map of string lists (user extra), own keys only. */
  stringLists(field: string): Record<string, string[]> {
    const inner = this.object(field);
    const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    if (inner) for (const k of Object.keys(inner.o)) out[k] = inner.strings(k);
    return out;
  }

  /** 422 naming `field` below this reader's path. */
  invalid(field: string, message: string): StatusError {
    return invalid(this.kind, '', [
      {
        reason: 'FieldValueInvalid',
        field: field ? `${this.path}.${field}` : this.path,
        message: `Invalid value: ${message}`,
      },
    ]);
  }
}

/** Answers one review: the status to return (throws a StatusError to refuse it). */
export type ReviewAnswer = (ctx: Context, spec: SpecReader, info: RequestInfo) => Record<string, unknown>;

/** Serves POST of one review resource. */
export async function serveReview(
  ctx: Context,
  info: RequestInfo,
  r: ResourceInfo,
  answer: ReviewAnswer,
): Promise<void> {
  if (info.verb !== 'create' || info.name !== undefined || info.subresource !== undefined) {
    throw new StatusError(
      405,
      StatusReason.MethodNotAllowed,
      'the server does not allow this method on the requested resource',
    );
  }
  if (r.namespaced ? info.namespace === undefined : info.namespace !== undefined)
    throw notFound({ resource: r.resource, group: r.group }, '');
  const body = decodeObject(await readBody(ctx), bodyMediaType(ctx)) as ReviewBody;
  if (body.kind !== undefined && body.kind !== r.kind)
    throw badRequest(`the body is a ${JSON.stringify(body.kind)}, but the URL is for ${r.kind}`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(r)) {
    throw badRequest(
      `the API version in the data (${JSON.stringify(body.apiVersion)}) does not match the expected API version (${apiVersionOf(r)})`,
    );
  }
  const spec = body.spec ?? {};
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new SpecReader(r.kind, {}).invalid('', 'must be an object');
  const status = answer(ctx, new SpecReader(r.kind, spec as Record<string, unknown>), info);
  const metadata =
    typeof body.metadata === 'object' && body.metadata !== null && !Array.isArray(body.metadata) ? body.metadata : {};
  ctx.status = 201;
  ctx.body = {
    kind: r.kind,
    apiVersion: apiVersionOf(r),
    metadata: { ...metadata, creationTimestamp: null },
    spec,
    status,
  };
}
