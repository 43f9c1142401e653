import { setOwn } from './own';

/**
 * A deep copy of a JSON value (plain objects, arrays, strings, numbers, booleans, null): what
 * every API object is. About 8× cheaper than structuredClone, which the write path pays on every
 * read-modify-write. Only own enumerable keys are copied, and every key (`__proto__` included)
 * becomes an own data property of the copy: a client-chosen key never reaches a prototype.
 */
export function jsonClone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonClone(v)) as T;
  const out: Record<string, unknown> = {};
  const src = value as Record<string, unknown>;
  for (const k of Object.keys(src)) {
    if (k === '__proto__') setOwn(out, k, jsonClone(src[k]));
    else out[k] = jsonClone(src[k]);
  }
  return out as T;
}
