/** Checks that nothing a test sent reached Object.prototype or Array.prototype. */

/** Own keys of Object.prototype and Array.prototype (compare before/after a request). */
export function prototypeKeys(): string[] {
  return [...Reflect.ownKeys(Object.prototype), ...Reflect.ownKeys(Array.prototype)].map(String);
}
