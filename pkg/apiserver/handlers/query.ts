/** Typed access to the query parameters the resource handlers understand. */
import type { Context } from 'koa';
import { badRequest } from '../../api/errors';
import type { ListQuery } from '../registry/store';

function str(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An optional non-negative integer parameter; anything else is a 400. */
export function intParam(ctx: Context, name: string): number | undefined {
  const v = str(ctx, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

/**
 * A boolean parameter, read as Kubernetes does (runtime.Convert_Slice_string_To_bool): absent,
 * `0` or `false` in any case is false; any other value is true (the Python client sends `True`).
 */
export function boolParam(ctx: Context, name: string): boolean {
  return boolValue(str(ctx, name));
}

/** A boolean parameter's value read as boolParam reads it (the authorization filter reads `watch` with it too). */
export function boolValue(v: string | null | undefined): boolean {
  return v !== undefined && v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

/** A string parameter. */
export function stringParam(ctx: Context, name: string): string | undefined {
  return str(ctx, name);
}

/** The list/watch query of a request. */
export function listQuery(ctx: Context): ListQuery {
  const q: ListQuery = {};
  const set = <K extends keyof ListQuery>(k: K, v: ListQuery[K] | undefined) => {
    if (v !== undefined) q[k] = v;
  };
  set('labelSelector', str(ctx, 'labelSelector'));
  set('fieldSelector', str(ctx, 'fieldSelector'));
  set('limit', intParam(ctx, 'limit'));
  set('continue', str(ctx, 'continue'));
  set('resourceVersion', str(ctx, 'resourceVersion'));
  set('resourceVersionMatch', str(ctx, 'resourceVersionMatch'));
  return q;
}

/** dryRun=All. */
export function dryRun(ctx: Context): boolean {
  const v = ctx.query.dryRun;
  const all = Array.isArray(v) ? v : v ? [v] : [];
  for (const d of all) if (d !== 'All') throw badRequest(`unsupported dryRun value "${d}": only "All" is supported`);
  return all.length > 0;
}
