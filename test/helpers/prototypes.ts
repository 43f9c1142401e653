/** Checks that nothing a test sent reached Object.prototype or Array.prototype. */
import { expect } from 'chai';

/** Own keys of Object.prototype and Array.prototype (compare before/after a request). */
export function prototypeKeys(): string[] {
  return [...Reflect.ownKeys(Object.prototype), ...Reflect.ownKeys(Array.prototype)].map(String);
}

/**
 * Runs `fn` and fails if it added a key to Object.prototype or Array.prototype. Added keys are
 * removed again first, so one polluting case does not break the tests after it.
 */
export async function expectNoPollution(fn: () => unknown): Promise<void> {
  const objBefore = new Set(Reflect.ownKeys(Object.prototype));
  const arrBefore = new Set(Reflect.ownKeys(Array.prototype));
  try {
    await fn();
  } finally {
    const added: string[] = [];
    for (const [proto, before] of [
      [Object.prototype, objBefore],
      [Array.prototype, arrBefore],
    ] as const) {
      for (const k of Reflect.ownKeys(proto)) {
        if (before.has(k)) continue;
        added.push(String(k));
        Reflect.deleteProperty(proto, k);
      }
    }
    expect(added, 'keys added to Object.prototype / Array.prototype').to.deep.equal([]);
  }
}
