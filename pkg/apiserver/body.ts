/**
 * Request bodies: read with a size cap (3 MiB → 413) and a deadline (408, connection closed: a
 * Content-Length longer than the body sent cannot hold a request open), and decoded from JSON
 * or YAML. YAML is parsed with the JSON schema (no custom tags) and documents using aliases are
 * refused, so an alias bomb cannot expand into memory. Object bodies of another media type are
 * a 415.
 */
import type { Context, Next } from 'koa';
import { load, JSON_SCHEMA } from 'js-yaml';
import { badRequest, requestTimeout, StatusError } from '../api/errors';
import { StatusReason } from '../api/meta';
import { decodeProtobuf, protobufMediaType } from './protobuf';

/** Largest request body accepted, as kube-apiserver's default. */
export const maxBodyBytes = 3 * 1024 * 1024;

/** Default deadline for receiving a whole request body (kube-apiserver's request timeout is 60 s). */
export const defaultBodyReadTimeoutMs = 60_000;

/** Middleware: the body-read deadline of every request (readBody reads it from ctx.state). */
export function bodyDeadline(ms: number) {
  return async (ctx: Context, next: Next): Promise<void> => {
    ctx.state.bodyReadTimeoutMs = ms;
    await next();
  };
}

/**
 * Reads the raw request body, failing with 413 past the limit and with 408 when it has not
 * arrived within the deadline (the connection is then closed: its framing is unknown).
 */
export async function readBody(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > maxBodyBytes) throw tooLarge();
  const req = ctx.req;
  if (req.readableEnded) return Buffer.alloc(0);
  const deadlineMs =
    typeof ctx.state.bodyReadTimeoutMs === 'number' ? ctx.state.bodyReadTimeoutMs : defaultBodyReadTimeoutMs;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      cleanup();
      ctx.set('Connection', 'close');
      ctx.res.once('finish', () => req.socket.destroy());
      reject(
        requestTimeout(
          `the request body did not arrive within ${deadlineMs} ms (${size} of ${declared || 'unknown'} bytes received)`,
        ),
      );
    }, deadlineMs);
    const onData = (b: Buffer): void => {
      size += b.length;
      if (size <= maxBodyBytes) chunks.push(b);
      else {
        cleanup();
        req.resume(); // drain and discard the rest
        reject(tooLarge());
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(): StatusError {
  return new StatusError(
    413,
    StatusReason.RequestEntityTooLarge,
    `request body too large (limit ${maxBodyBytes} bytes)`,
  );
}

/** Media types of object bodies (create, update, delete options); none given means JSON. */
const objectMediaTypes = new Set([
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  protobufMediaType,
]);

/**
 * The media type of a request's object body: its Content-Type without parameters (JSON when
 * absent, as kube-apiserver); any other type is a 415.
 */
export function bodyMediaType(ctx: Pick<Context, 'get'>): string {
  const type = mediaType(ctx.get('content-type')) || 'application/json';
  if (!objectMediaTypes.has(type)) {
    throw new StatusError(
      415,
      StatusReason.UnsupportedMediaType,
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${protobufMediaType}`,
    );
  }
  return type;
}

/** The media type of a Content-Type header without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Deepest nesting of objects and arrays a body may have. Kubernetes objects nest a few dozen
 * levels at most; deeper documents would only exhaust the stack of the recursive code that
 * walks objects (patches, validation, storage), so they are refused up front.
 */
export const maxNestingDepth = 512;

/**
 * Walks a decoded document without recursion: a 400 when it nests deeper than maxNestingDepth,
 * or (YAML) when a node is reached twice (an alias: no alias bombs).
 */
function checkShape(doc: unknown, yaml: boolean): void {
  const seen = new Set<object>();
  const stack: { v: unknown; depth: number }[] = [{ v: doc, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, depth } = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxNestingDepth)
      throw badRequest(`the request body nests objects and arrays deeper than ${maxNestingDepth} levels`);
    if (yaml) {
      if (seen.has(v)) throw badRequest('YAML aliases and anchors are not allowed');
      seen.add(v);
    }
    for (const child of Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
  }
}

/**
 * A 400 when `doc` nests deeper than maxNestingDepth: for what a patch produced, since a JSON
 * patch's path can deepen an object past the limit its body was held to.
 */
export function checkNestingDepth(doc: unknown): void {
  checkShape(doc, false);
}

/** Decodes a JSON, YAML or (for the kinds protobuf.ts knows) protobuf document; malformed input is a 400. */
export function decodeDocument(raw: Buffer, type: string): unknown {
  if (type === protobufMediaType) return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (!text.trim()) throw badRequest('request body is empty');
  try {
    const yaml = type.includes('yaml');
    const doc: unknown = yaml ? load(text, { schema: JSON_SCHEMA }) : JSON.parse(text);
    checkShape(doc, yaml);
    return doc;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw badRequest(
      `the body of the request was in an unknown format or could not be decoded: ${(err as Error).message.split('\n')[0] ?? ''}`,
    );
  }
}

/** Decodes a body that must be a JSON/YAML object (a Kubernetes object or options). */
export function decodeObject(raw: Buffer, type: string): Record<string, unknown> {
  const doc = decodeDocument(raw, type);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw badRequest('the request body must be an object');
  return doc as Record<string, unknown>;
}
