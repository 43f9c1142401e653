/**
 * Own-property access for objects whose keys a client chose (decoded bodies, patches, label
 * maps). Plain `obj[key]` is unsafe on such objects: a read of `constructor` or `__proto__`
 * finds what `Object.prototype` holds, and a write to `__proto__` replaces the object's
 * prototype (and a later write through it pollutes `Object.prototype` for the whole process).
 * These helpers treat every key, `__proto__`, `constructor` and `prototype` included, as
 * ordinary data: reads see only own properties, writes always create an own data property.
 */

/** A JSON-ish object with client-chosen keys. */
export type Dict = Record<string, unknown>;

const { hasOwn } = Object;

/** True when `obj` has `key` as an own property. */
export function hasOwnKey(obj: object, key: string): boolean {
  return hasOwn(obj, key);
}

/** The value of own property `key` of `obj`, or undefined (inherited properties never count). */
export function getOwn<T = unknown>(obj: object | undefined | null, key: string): T | undefined {
  if (obj === undefined || obj === null || !hasOwn(obj, key)) return undefined;
  return (obj as Record<string, T>)[key];
}

/**
 * Sets own data property `key` of `obj` to `value`. `__proto__` is defined, not assigned, so
 * it becomes an ordinary enumerable key and the object's prototype is untouched.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Deletes own property `key` of `obj` (never anything inherited). */
export function deleteOwn(obj: object, key: string): void {
  if (hasOwn(obj, key)) delete (obj as Dict)[key];
}
