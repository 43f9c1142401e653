/**
 * The generic resource handler: one function serves every verb of every resource by calling
 * the resource's registry Store. Subresources other than status (pods/binding, pods/log) are
 * served by handlers registered in `subresources`.
 */
import type { Context } from 'koa';
import { badRequest, isNotFound, notFound, StatusError } from '../../api/errors';
import {
  DeletionPropagation,
  StatusReason,
  type DeleteOptions,
  type KubeObject,
  type ObjectList,
} from '../../api/meta';
import { invalid, toStatusError } from '../../api/validation/field';
import { conflictingPropagation } from '../registry/gc_finalizers';
import { apiVersionOf, subresourceVerbs } from '../../api/resources';
import { bodyMediaType, checkNestingDepth, decodeObject, mediaType, readBody } from '../body';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import { serveWatch } from '../watch/stream';
import { getOwn } from '../../util/json/own';
import { boolParam, dryRun, intParam, listQuery, stringParam } from './query';

/** Applies a patch document of one media type to the current object. */
export type Patcher = (current: KubeObject, patch: Buffer, ctx: PatchContext) => KubeObject;

/** What a patcher may need to know about the request. */
export interface PatchContext {
  store: Store;
  fieldManager?: string;
  force: boolean;
  subresource?: string;
}

/** Serves a subresource such as pods/binding or pods/log. */
export type SubresourceHandler = (ctx: Context, info: RequestInfo, store: Store) => Promise<void>;

/** Renders an object or list, e.g. as a meta.k8s.io Table when the client asks for one. */
export type Renderer = (ctx: Context, store: Store, body: KubeObject | ObjectList<KubeObject>) => unknown;

/** An object about to be written by create, update or patch (see `ResourceHandlerDeps.admit`). */
export interface WriteAttempt {
  ctx: Context;
  store: Store;
  verb: 'create' | 'update' | 'patch';
  /** What the request would write. */
  obj: KubeObject;
  /** The stored object (update and patch of an existing object). */
  old?: KubeObject;
  /** The request body as sent. */
  raw: Buffer;
  subresource?: string;
  /** The patch media type (patch only). */
  patchType?: string;
}

/** Checks and completes a write (field validation, managedFields); throws to refuse it. */
export type WriteAdmitter = (w: WriteAttempt) => KubeObject;

/** A delete (name '' for deletecollection) about to be carried out (see `ResourceHandlerDeps.admitDelete`). */
export interface DeleteAttempt {
  ctx: Context;
  store: Store;
  namespace: string | undefined;
  name: string;
  opts: DeleteOptions;
}

/** Checks a delete; resolves with the options to delete with (it may add preconditions); throws to refuse. */
export type DeleteAdmitter = (d: DeleteAttempt) => Promise<DeleteOptions>;

/** The handler's wiring. */
export interface ResourceHandlerDeps {
  stores: Map<string, Store>;
  patchers: Record<string, Patcher>;
  subresources: Record<string, SubresourceHandler>;
  render: Renderer;
  /** Encodes watched objects (JSON or Table rows) for one request. */
  watchEncoder: (ctx: Context, store: Store) => (obj: KubeObject) => string;
  bookmarkIntervalMs: number;
  /** Called on every create/update/patch before the store writes (inside the retry loop for patch). */
  admit?: WriteAdmitter;
  /** Called before every delete and deletecollection. */
  admitDelete?: DeleteAdmitter;
  /** Patch media types that create a missing object (server-side apply). */
  createOnPatch?: readonly string[];
  onWatch?: (resource: string, delta: 1 | -1) => void;
}

/** Key of the stores map. */
export function storeKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** A client value for a message: strings as they are, anything else as JSON (never String() of an object). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

function decodeInput(raw: Buffer, type: string, store: Store): KubeObject {
  const body = decodeObject(raw, type);
  const info = store.strategy.info;
  const { apiVersion, kind } = body;
  if (kind !== undefined && kind !== info.kind)
    throw badRequest(`the body is a ${shown(kind)}, but the URL is for ${info.kind}`);
  if (apiVersion !== undefined && apiVersion !== apiVersionOf(info)) {
    throw badRequest(
      `the API version in the data (${shown(apiVersion)}) does not match the expected API version (${apiVersionOf(info)})`,
    );
  }
  if (
    body.metadata !== undefined &&
    (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))
  ) {
    throw badRequest('metadata must be an object');
  }
  return { ...body, metadata: (body.metadata ?? {}) as KubeObject['metadata'] };
}

const propagationPolicies: readonly unknown[] = Object.values(DeletionPropagation);

/** A propagationPolicy value (body or query) that is not one of the three is a 400. */
function checkPropagation(p: unknown): void {
  if (p !== undefined && p !== null && !propagationPolicies.includes(p)) {
    throw badRequest(
      `DeleteOptions.propagationPolicy: Unsupported value: ${JSON.stringify(p)}: supported values: "Orphan", "Background", "Foreground"`,
    );
  }
}

/** Checks the fields of a DeleteOptions body the store reads; a wrong type is a 400. */
function checkDeleteOptions(o: Record<string, unknown>): DeleteOptions {
  const grace = o.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && !(typeof grace === 'number' && Number.isSafeInteger(grace)))
    throw badRequest('DeleteOptions.gracePeriodSeconds must be an integer');
  const pre = o.preconditions;
  if (pre !== undefined && pre !== null) {
    if (typeof pre !== 'object' || Array.isArray(pre))
      throw badRequest('DeleteOptions.preconditions must be an object');
    for (const k of ['uid', 'resourceVersion'] as const) {
      const v = (pre as Record<string, unknown>)[k];
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw badRequest(`DeleteOptions.preconditions.${k} must be a string`);
    }
  }
  checkPropagation(o.propagationPolicy);
  if (o.orphanDependents !== undefined && o.orphanDependents !== null && typeof o.orphanDependents !== 'boolean')
    throw badRequest('DeleteOptions.orphanDependents must be a boolean');
  const dry = o.dryRun;
  if (dry !== undefined && dry !== null && !(Array.isArray(dry) && dry.every((d) => d === 'All')))
    throw badRequest('DeleteOptions.dryRun: only "All" is supported');
  const opts = { ...o } as DeleteOptions;
  if (grace === null || (typeof grace === 'number' && grace < 0)) delete opts.gracePeriodSeconds;
  if (o.propagationPolicy === null) delete opts.propagationPolicy;
  if (o.orphanDependents === null) delete opts.orphanDependents;
  return opts;
}

async function deleteOptions(ctx: Context): Promise<DeleteOptions> {
  const type = ctx.get('content-type') ? bodyMediaType(ctx) : 'application/json';
  const raw = await readBody(ctx);
  const opts: DeleteOptions = raw.toString().trim() ? checkDeleteOptions(decodeObject(raw, type)) : {};
  const grace = intParam(ctx, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (dryRun(ctx)) opts.dryRun = ['All'];
  // The query form (kube-apiserver reads DeleteOptions from the query when there is no body).
  const policy = stringParam(ctx, 'propagationPolicy');
  if (policy !== undefined) {
    checkPropagation(policy);
    opts.propagationPolicy = policy as DeletionPropagation;
  }
  const orphan = stringParam(ctx, 'orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = boolParam(ctx, 'orphanDependents');
  const both = conflictingPropagation(opts);
  if (both) throw toStatusError('DeleteOptions', '', [invalid('propagationPolicy', opts.propagationPolicy, both)]);
  return opts;
}

/**
 * The object a patch produced must still be an object with a metadata object naming the URL's
 * object (kube-apiserver's checkName): renaming or re-namespacing through a patch is a 400.
 */
function checkPatched(obj: unknown, name: string, ns: string | undefined): KubeObject {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw badRequest('the patched object must be a JSON object');
  checkNestingDepth(obj);
  const meta = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw badRequest('the patched object has no metadata object');
  const m = meta as { name?: unknown; namespace?: unknown };
  if (m.name !== name)
    throw badRequest(
      `the name of the object (${m.name === undefined ? '' : shown(m.name)}) does not match the name on the URL (${name})`,
    );
  if (ns !== undefined && m.namespace !== undefined && m.namespace !== ns) {
    throw badRequest(
      `the namespace of the object (${shown(m.namespace)}) does not match the namespace on the URL (${ns})`,
    );
  }
  return obj as KubeObject;
}

/** Serves one resource request. */
export async function handleResource(ctx: Context, info: RequestInfo, deps: ResourceHandlerDeps): Promise<void> {
  const store = deps.stores.get(storeKey(info.group, info.version, info.resource));
  if (!store) throw notFound({ resource: info.resource, group: info.group }, info.name ?? '');
  const { namespaced } = store.strategy.info;
  const allNamespaces = info.verb === 'list' || info.verb === 'watch';
  if (namespaced ? info.namespace === undefined && !allNamespaces : info.namespace !== undefined) {
    throw notFound({ resource: info.resource, group: info.group }, info.name ?? '');
  }
  const ns = namespaced ? info.namespace : undefined;

  const subresource = info.subresource;
  if (subresource && subresource !== 'status' && !store.strategy.updateSubresources?.[subresource]) {
    // `*/<sub>`: served for every resource whose info declares the subresource (custom resources' scale).
    const declared = store.strategy.info.subresources.includes(subresource);
    const handler =
      getOwn<SubresourceHandler>(deps.subresources, `${info.resource}/${subresource}`) ??
      (declared ? getOwn<SubresourceHandler>(deps.subresources, `*/${subresource}`) : undefined);
    if (!handler) throw notFound({ resource: `${info.resource}/${subresource}` }, info.name ?? '');
    return handler(ctx, info, store);
  }
  const verbs = subresource ? subresourceVerbs(subresource) : store.strategy.info.verbs;
  if (!verbs.includes(info.verb)) {
    throw new StatusError(
      405,
      StatusReason.MethodNotAllowed,
      `the server does not allow this method on the requested resource`,
    );
  }

  switch (info.verb) {
    case 'get':
      ctx.body = deps.render(ctx, store, await store.get(ns, info.name ?? '', stringParam(ctx, 'resourceVersion')));
      return;
    case 'list':
      ctx.body = deps.render(ctx, store, await store.list(ns, listQuery(ctx)));
      return;
    case 'watch':
      return watch(ctx, info, store, ns, deps);
    case 'create': {
      const type = bodyMediaType(ctx);
      const raw = await readBody(ctx);
      let obj = decodeInput(raw, type, store);
      if (info.name !== undefined) {
        if (obj.metadata.name && obj.metadata.name !== info.name) {
          throw badRequest(
            `the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`,
          );
        }
        obj.metadata.name = info.name;
      }
      if (deps.admit) obj = deps.admit({ ctx, store, verb: 'create', obj, raw });
      ctx.status = 201;
      ctx.body = deps.render(ctx, store, await store.create(ns, obj, { dryRun: dryRun(ctx) }));
      return;
    }
    case 'update': {
      const type = bodyMediaType(ctx);
      const raw = await readBody(ctx);
      const obj = decodeInput(raw, type, store);
      const admit = (input: KubeObject, old: KubeObject) =>
        deps.admit
          ? deps.admit({ ctx, store, verb: 'update', obj: input, raw, old, ...(subresource ? { subresource } : {}) })
          : input;
      ctx.body = deps.render(
        ctx,
        store,
        await store.update(
          ns,
          info.name ?? '',
          obj,
          { dryRun: dryRun(ctx), ...(subresource ? { subresource } : {}) },
          admit,
        ),
      );
      return;
    }
    case 'patch': {
      const type = mediaType(ctx.get('content-type'));
      // Own keys only: a Content-Type of `constructor` or `__proto__` must not find Object's.
      const accepted = store.strategy.patchTypes;
      const patcher = accepted && !accepted.includes(type) ? undefined : getOwn<Patcher>(deps.patchers, type);
      if (!patcher) {
        throw new StatusError(
          415,
          StatusReason.UnsupportedMediaType,
          `the body of the request was in an unknown format - accepted media types include: ${(accepted ?? Object.keys(deps.patchers)).join(', ')}`,
        );
      }
      const raw = await readBody(ctx);
      const pctx: PatchContext = { store, force: boolParam(ctx, 'force'), ...(subresource ? { subresource } : {}) };
      const fm = stringParam(ctx, 'fieldManager');
      if (fm) pctx.fieldManager = fm;
      const name = info.name ?? '';
      const admit = (obj: KubeObject, old?: KubeObject) =>
        deps.admit
          ? deps.admit({
              ctx,
              store,
              verb: 'patch',
              obj,
              raw,
              patchType: type,
              ...(old ? { old } : {}),
              ...(subresource ? { subresource } : {}),
            })
          : obj;
      const apply = (cur: KubeObject) => admit(checkPatched(patcher(cur, raw, pctx), name, ns), cur);
      try {
        ctx.body = deps.render(
          ctx,
          store,
          await store.guaranteedUpdate(ns, name, apply, {
            dryRun: dryRun(ctx),
            ...(subresource ? { subresource } : {}),
          }),
        );
      } catch (err) {
        if (!isNotFound(err) || subresource || !deps.createOnPatch?.includes(type)) throw err;
        const blank: KubeObject = {
          apiVersion: apiVersionOf(store.strategy.info),
          kind: store.strategy.info.kind,
          metadata: { name, ...(ns ? { namespace: ns } : {}) },
        };
        ctx.status = 201;
        ctx.body = deps.render(
          ctx,
          store,
          await store.create(ns, admit(checkPatched(patcher(blank, raw, pctx), name, ns)), { dryRun: dryRun(ctx) }),
        );
      }
      return;
    }
    case 'delete': {
      const requested = await deleteOptions(ctx);
      const opts = deps.admitDelete
        ? await deps.admitDelete({ ctx, store, namespace: ns, name: info.name ?? '', opts: requested })
        : requested;
      const result = await store.delete(ns, info.name ?? '', opts);
      // As kube-apiserver: 200 with the object, also when it is only marked (finalizers, grace);
      // 202 only for a marked object whose client asked for orphanDependents=false.
      ctx.status = !result.deleted && opts.orphanDependents === false ? 202 : 200;
      ctx.body = deps.render(ctx, store, result.object);
      return;
    }
    case 'deletecollection': {
      const requested = await deleteOptions(ctx);
      const opts = deps.admitDelete
        ? await deps.admitDelete({ ctx, store, namespace: ns, name: '', opts: requested })
        : requested;
      ctx.body = deps.render(ctx, store, await store.deleteCollection(ns, listQuery(ctx), opts));
      return;
    }
  }
}

async function watch(
  ctx: Context,
  info: RequestInfo,
  store: Store,
  ns: string | undefined,
  deps: ResourceHandlerDeps,
): Promise<void> {
  const q = listQuery(ctx);
  const selected = store.matcher(q, info.name);
  const matches = (o: KubeObject) => (ns === undefined || o.metadata.namespace === ns) && selected(o);
  let from: number;
  let initial: KubeObject[] = [];
  if (!q.resourceVersion || q.resourceVersion === '0') {
    const { limit: _l, continue: _c, resourceVersion: _r, ...rest } = q;
    const list = await store.list(ns, rest);
    initial = info.name ? list.items.filter((o) => o.metadata.name === info.name) : list.items;
    from = Number(list.metadata.resourceVersion);
  } else {
    from = Number(q.resourceVersion);
    if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`invalid resourceVersion: ${q.resourceVersion}`);
  }
  const timeoutSeconds = intParam(ctx, 'timeoutSeconds');
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  const encodeObj = deps.watchEncoder(ctx, store);
  const plain = encodeObj === defaultEncoder;
  const infoR = store.strategy.info;
  await serveWatch(ctx, {
    fromRevision: from,
    initial,
    matches,
    timeoutMs,
    ...(boolParam(ctx, 'allowWatchBookmarks') ? { bookmarkIntervalMs: deps.bookmarkIntervalMs } : {}),
    bookmarkType: { apiVersion: apiVersionOf(infoR), kind: infoR.kind },
    encode: (obj, ev) => (plain && ev ? ev.objectJson() : encodeObj(obj)),
    register: (sink) => store.watch(from, sink),
    latestRevision: () => store.cache.latestRevision,
    onStart: () => deps.onWatch?.(info.resource, 1),
    onEnd: () => deps.onWatch?.(info.resource, -1),
  });
}

/** The plain JSON encoder (objects serialized as they are). */
export const defaultEncoder = (obj: KubeObject): string => JSON.stringify(obj);
