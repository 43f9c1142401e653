/**
 * Serves /openapi/v3 (the index) and /openapi/v3/<group-version> documents. A request naming
 * the current `hash` may be cached forever by the client; otherwise an ETag lets it revalidate.
 * /openapi/v2 is not served: kubectl 1.32 reads v3 for explain, validation support and
 * strategic-merge metadata, and only falls back to v2 (protobuf) when v3 is missing.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { notFound } from '../../api/errors';
import { openApiIndex, servedDocuments, type ServedDocument } from './v3';

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
