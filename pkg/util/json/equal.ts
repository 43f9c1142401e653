/**
 * Equality of JSON values as they would be serialized: object fields whose value is undefined
 * are absent (JSON.stringify drops them), key order does not matter, and an undefined array item
 * equals null. Much cheaper than util.isDeepStrictEqual or a stringify round trip on the write
 * path, where every update compares objects. Only own enumerable keys count (a key such as
 * `constructor` on one side never matches what the other side inherits).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let present = 0;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (v === undefined) continue;
    present++;
    if (!Object.hasOwn(y, k) || !jsonEqual(v, y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) present--;
  return present === 0;
}
