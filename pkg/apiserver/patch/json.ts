/**
 * JSON patch (RFC 6902): add, remove, replace, move, copy, test, applied to a copy; a failing
 * operation (missing path, failed test) rejects the whole patch.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Json } from './merge';
import { jsonClone } from '../../util/json/clone';

/** One JSON patch operation. */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

/** Error for a patch that cannot be applied (the apiserver answers 422/400). */
export class JsonPatchError extends Error {}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Json[] | { [k: string]: Json };

function resolveParent(doc: Json, tokens: string[]): { parent: Container; last: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : typeof cur === 'object' && cur !== null ? cur[t] : undefined;
    if (next === undefined || typeof next !== 'object' || next === null) throw new JsonPatchError(`path not found: /${tokens.join('/')}`);
    cur = next;
  }
  if (typeof cur !== 'object' || cur === null) throw new JsonPatchError(`path not found: /${tokens.join('/')}`);
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
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, last, false)] : parent[last];
  if (v === undefined) throw new JsonPatchError(`path not found: ${path}`);
  return v;
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0] ?? null;
  if (!(last in parent)) throw new JsonPatchError(`path not found: ${path}`);
  const v = parent[last] ?? null;
  delete parent[last];
  return v;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return doc;
}

/** Applies the operations in order to a copy of `doc`. */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let out: Json = jsonClone(doc);
  for (const raw of ops as JsonPatchOp[]) {
    if (typeof raw !== 'object' || raw === null || typeof raw.path !== 'string') throw new JsonPatchError('invalid JSON patch operation');
    const needsValue = raw.op === 'add' || raw.op === 'replace' || raw.op === 'test';
    if (needsValue && raw.value === undefined) throw new JsonPatchError(`operation ${raw.op} needs a value`);
    const value = jsonClone(raw.value ?? null);
    switch (raw.op) {
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
        const v = remove(out, raw.from ?? '');
        out = add(out, raw.path, v);
        break;
      }
      case 'copy':
        out = add(out, raw.path, jsonClone(get(out, raw.from ?? '')));
        break;
      case 'test':
        if (!isDeepStrictEqual(get(out, raw.path), value)) throw new JsonPatchError(`test operation failed at ${raw.path}`);
        break;
      default:
        throw new JsonPatchError(`unknown JSON patch operation "${String((raw as { op: unknown }).op)}"`);
    }
  }
  return out;
}
