/**
 * Request bodies: read with a size cap (3 MiB → 413) and decoded from JSON or YAML. YAML is
 * parsed with the JSON schema (no custom tags) and documents using aliases are refused, so an
 * alias bomb cannot expand into memory.
 */
import type { Context } from 'koa';
import { load, JSON_SCHEMA } from 'js-yaml';
import { badRequest, StatusError } from '../api/errors';
import { StatusReason } from '../api/meta';
import { decodeProtobuf, protobufMediaType } from './protobuf';

/** Largest request body accepted, as kube-apiserver's default. */
export const maxBodyBytes = 3 * 1024 * 1024;

/** Reads the raw request body, failing with 413 past the limit. */
export async function readBody(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > maxBodyBytes) throw tooLarge();
  const req = ctx.req;
  if (req.readableEnded) return Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
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
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(): StatusError {
  return new StatusError(413, StatusReason.RequestEntityTooLarge, `request body too large (limit ${maxBodyBytes} bytes)`);
}

/** The media type of a Content-Type header without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function rejectAliases(value: unknown, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null) return;
  if (seen.has(value)) throw badRequest('YAML aliases and anchors are not allowed');
  seen.add(value);
  for (const v of Object.values(value)) rejectAliases(v, seen);
}

/** Decodes a JSON, YAML or (for the kinds protobuf.ts knows) protobuf document; malformed input is a 400. */
export function decodeDocument(raw: Buffer, type: string): unknown {
  if (type === protobufMediaType) return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (!text.trim()) throw badRequest('request body is empty');
  try {
    if (type.includes('yaml')) {
      const doc = load(text, { schema: JSON_SCHEMA });
      rejectAliases(doc);
      return doc;
    }
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw badRequest(`the body of the request was in an unknown format or could not be decoded: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Decodes a body that must be a JSON/YAML object (a Kubernetes object or options). */
export function decodeObject(raw: Buffer, type: string): Record<string, unknown> {
  const doc = decodeDocument(raw, type);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw badRequest('the request body must be an object');
  return doc as Record<string, unknown>;
}
