/**
 * Serves /openapi/v3 (the index) and /openapi/v3/<group-version> documents. A request naming
 * the current `hash` may be cached forever by the client; otherwise an ETag lets it revalidate.
 * Also /openapi/v2 (one Swagger 2.0 document, derived from the v3 documents; v2.ts), as JSON or
 * as gnostic protobuf: kubectl reads v3 for explain, server-side validation support and
 * strategic-merge metadata, but validates a `kind: List` file client-side against v2.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { notFound, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import { servedSwagger } from './v2';
import { encodeSwagger } from './v2_proto';
import { openApiIndex, servedDocuments, type ServedDocument } from './v3';

/** The media types /openapi/v2 serves, as kube-openapi's handler lists them (JSON first). */
const v2MediaTypes = [
  { subtype: 'json', returned: 'application/json', proto: false },
  {
    subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf',
    returned: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    proto: true,
  },
  {
    subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf',
    returned: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    proto: true,
  },
] as const;

/** The v2 media type the first acceptable range of an Accept header names (none: JSON). */
export function negotiateV2(accept: string | undefined): (typeof v2MediaTypes)[number] | undefined {
  for (const range of (accept || '*/*').split(',')) {
    const [type = '', subtype = ''] = (range.split(';')[0] ?? '').trim().toLowerCase().split('/');
    if (type !== 'application' && type !== '*') continue;
    const match = v2MediaTypes.find((m) => subtype === '*' || subtype === m.subtype);
    if (match) return match;
  }
  return undefined;
}

function serveJson(ctx: Context, json: string, etag: string, immutable: boolean): void {
  ctx.set('ETag', `"${etag}"`);
  ctx.set('Cache-Control', immutable ? 'public, immutable' : 'no-cache, private');
  ctx.set('Vary', 'Accept');
  if (ctx.get('if-none-match') === `"${etag}"`) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = json;
}

/** Adds the OpenAPI routes to a router; `dynamic` gives the custom resources' documents of the moment. */
export function registerOpenApiRoutes(
  router: Router,
  dynamic: () => ReadonlyMap<string, ServedDocument> = () => new Map(),
): void {
  router.get('/openapi/v2', (ctx) => {
    const media = negotiateV2(ctx.get('accept'));
    if (!media)
      throw new StatusError(
        406,
        StatusReason.NotAcceptable,
        `only the following media types are accepted: ${v2MediaTypes.map((m) => `application/${m.subtype}`).join(', ')}`,
      );
    const served = servedSwagger([...dynamic().values()], encodeSwagger);
    ctx.set('ETag', `"${served.etag}"`);
    ctx.set('Cache-Control', 'no-cache, private');
    ctx.set('Vary', 'Accept');
    if (ctx.get('if-none-match') === `"${served.etag}"`) {
      ctx.status = 304;
      return;
    }
    ctx.type = media.returned;
    ctx.body = media.proto ? served.proto() : served.json;
  });
  router.get('/openapi/v3', (ctx) => {
    const json = JSON.stringify(openApiIndex([...dynamic().values()]));
    serveJson(ctx, json, String(json.length), false);
  });
  const serveDocument = (ctx: Context, path: string) => {
    const doc = servedDocuments().get(path) ?? dynamic().get(path);
    if (!doc) throw notFound({ resource: 'openapi' }, path);
    serveJson(ctx, doc.json, doc.hash, ctx.query.hash === doc.hash);
  };
  router.get('/openapi/v3/api/:version', (ctx) => serveDocument(ctx, `api/${ctx.params.version ?? ''}`));
  router.get('/openapi/v3/apis/:group/:version', (ctx) =>
    serveDocument(ctx, `apis/${ctx.params.group ?? ''}/${ctx.params.version ?? ''}`),
  );
}
