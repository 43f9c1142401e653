/**
 * A deep copy of a JSON value (plain objects, arrays, strings, numbers, booleans, null): what
 * every API object is. About 8× cheaper than structuredClone, which the write path pays on every
 * read-modify-write.
 */
export function jsonClone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonClone(v)) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = jsonClone((value as Record<string, unknown>)[k]);
  return out as T;
}
