/**
 * JSON patch (RFC 6902): add, remove, replace, move, copy, test, applied to a copy; a failing
 * operation (missing path, failed test) rejects the whole patch. Pointers are resolved through
 * own properties only and every write defines an own property, so `/__proto__/x` or
 * `/constructor/prototype/x` addresses plain data (usually a missing path), never a prototype.
 */
import type { Json } from './merge';
import { jsonClone } from '../../util/json/clone';
import { jsonEqual } from '../../util/json/equal';
import { deleteOwn, getOwn, hasOwnKey, setOwn } from '../../util/json/own';

/** One JSON patch operation. */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

/** Why a JSON patch failed: malformed or not applicable (400), or a failed `test` (422). */
export const JsonPatchFailure = { Malformed: 'Malformed', TestFailed: 'TestFailed' } as const;
export type JsonPatchFailure = (typeof JsonPatchFailure)[keyof typeof JsonPatchFailure];

/** Error for a patch that cannot be applied (the apiserver answers 400, or 422 for a failed test). */
export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly failure: JsonPatchFailure = JsonPatchFailure.Malformed,
  ) {
    super(message);
  }
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type JsonObject = { [k: string]: Json };
type Container = Json[] | JsonObject;

function child(cur: Json, t: string): Json | undefined {
  if (Array.isArray(cur)) return /^(0|[1-9]\d*)$/.test(t) ? cur[Number(t)] : undefined;
  return typeof cur === 'object' && cur !== null ? getOwn<Json>(cur, t) : undefined;
}

function resolveParent(doc: Json, tokens: string[]): { parent: Container; last: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next = child(cur, t);
    if (next === undefined || typeof next !== 'object' || next === null)
      throw new JsonPatchError(`doc is missing path: /${tokens.join('/')}`);
    cur = next;
  }
  if (typeof cur !== 'object' || cur === null) throw new JsonPatchError(`doc is missing path: /${tokens.join('/')}`);
  return { parent: cur, last: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(arr: Json[], t: string, forAdd: boolean): number {
  if (forAdd && t === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(t)) throw new JsonPatchError(`invalid array index "${t}"`);
  const i = Number(t);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${i} out of range`);
  return i;
}

function get(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const { parent, last } = resolveParent(doc, tokens);
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, last, false)] : getOwn<Json>(parent, last);
  if (v === undefined) throw new JsonPatchError(`doc is missing path: ${path}`);
  return v;
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document');
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0] ?? null;
  if (!hasOwnKey(parent, last)) throw new JsonPatchError(`doc is missing path: ${path}`);
  const v = getOwn<Json>(parent, last) ?? null;
  deleteOwn(parent, last);
  return v;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else setOwn(parent, last, value);
  return doc;
}

/** Most operations one patch may hold (kube-apiserver's limit). */
export const maxJsonPatchOperations = 10_000;
/** Most JSON nodes all `copy` operations of one patch may duplicate (bounds the memory a patch can make). */
export const maxCopiedNodes = 100_000;

/** Nodes in a JSON value, counting at most `limit + 1`. */
function nodeCount(v: Json, limit: number): number {
  let n = 0;
  const stack: Json[] = [v];
  for (let cur = stack.pop(); cur !== undefined && n <= limit; cur = stack.pop()) {
    n++;
    if (typeof cur === 'object' && cur !== null) for (const c of Object.values(cur)) stack.push(c);
  }
  return n;
}

function isOp(raw: unknown): raw is JsonPatchOp {
  return (
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    typeof (raw as { path?: unknown }).path === 'string'
  );
}

/** Applies the operations in order to a copy of `doc`. */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  if (ops.length > maxJsonPatchOperations)
    throw new JsonPatchError(
      `the allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`,
    );
  let copied = 0;
  let out: Json = jsonClone(doc);
  for (const raw of ops as unknown[]) {
    if (!isOp(raw))
      throw new JsonPatchError('invalid JSON patch operation: each operation must be an object with a string "path"');
    const needsValue = raw.op === 'add' || raw.op === 'replace' || raw.op === 'test';
    if (needsValue && !hasOwnKey(raw, 'value'))
      throw new JsonPatchError(`operation ${JSON.stringify(raw.op)} needs a value`);
    if ((raw.op === 'move' || raw.op === 'copy') && typeof getOwn(raw, 'from') !== 'string')
      throw new JsonPatchError(`operation ${raw.op} needs a string "from"`);
    const value = jsonClone(getOwn<Json>(raw, 'value') ?? null);
    const from = getOwn<string>(raw, 'from') ?? '';
    switch (getOwn(raw, 'op')) {
      case 'add':
        out = add(out, raw.path, value);
        break;
      case 'remove':
        remove(out, raw.path);
        break;
      case 'replace':
        get(out, raw.path);
        if (parsePointer(raw.path).length === 0) out = value;
        else {
          remove(out, raw.path);
          out = add(out, raw.path, value);
        }
        break;
      case 'move': {
        if (raw.path === from || raw.path.startsWith(`${from}/`)) {
          if (raw.path !== from) throw new JsonPatchError(`cannot move ${from} into its own child ${raw.path}`);
          get(out, from);
          break;
        }
        const v = parsePointer(from).length === 0 ? out : remove(out, from);
        out = add(out, raw.path, v);
        break;
      }
      case 'copy': {
        const v = get(out, from);
        copied += nodeCount(v, maxCopiedNodes - copied);
        if (copied > maxCopiedNodes)
          throw new JsonPatchError(
            `the copy operations of this patch would duplicate more than ${maxCopiedNodes} JSON nodes`,
          );
        out = add(out, raw.path, jsonClone(v));
        break;
      }
      case 'test':
        if (!jsonEqual(get(out, raw.path), value))
          throw new JsonPatchError(`testing value ${raw.path} failed`, JsonPatchFailure.TestFailed);
        break;
      default:
        throw new JsonPatchError(`unknown JSON patch operation ${JSON.stringify(getOwn(raw, 'op')) ?? 'undefined'}`);
    }
  }
  return out;
}
