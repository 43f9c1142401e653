/**
 * Read-only views of cached objects. Everything an informer caches is shared by every
 * consumer of the process, so it is deep-frozen when it enters the cache and typed
 * `DeepReadonly` when it leaves: a caller that wants to change an object clones it first
 * (`jsonClone(obj) as Pod`, pkg/util/json/clone) and writes the clone through the API.
 */

/** `T` with every property and array element, at every depth, read-only. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Freezes `obj` and everything reachable from it, in place, and returns it typed read-only.
 * The caller gives up the right to mutate `obj` (any later write throws in strict mode).
 */
export function deepFreeze<T>(obj: T): DeepReadonly<T> {
  freeze(obj);
  // After freeze() the value really is deeply read-only; the type just says so.
  return obj as unknown as DeepReadonly<T>;
}

/** An already-frozen object is taken to be deeply frozen (everything the cache holds is). */
function freeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const child of Object.values(v)) freeze(child);
}
