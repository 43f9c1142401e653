/**
 * The JSONPath subset of additionalPrinterColumns and scale paths: `.a.b`, `.a[0].b`,
 * `.metadata.labels['x.y/z']` / `["k"]`. Reads own properties only (client-chosen keys never
 * reach a prototype).
 */
import { getOwn, setOwn } from '../../util/json/own';

/** One step: a field name or an array index. */
export type PathStep = string | number;

/** Parses `.a.b[0]['c.d']` into steps; undefined when it is not in the subset. */
export function parseJsonPath(path: string): PathStep[] | undefined {
  const p = path.startsWith('{') && path.endsWith('}') ? path.slice(1, -1) : path;
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y;
  const steps: PathStep[] = [];
  let i = 0;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(m[3]);
    i = re.lastIndex;
  }
  return steps.length ? steps : undefined;
}

/** The value at `steps` in `obj`, or undefined. */
export function valueAtPath(obj: unknown, steps: readonly PathStep[]): unknown {
  let cur: unknown = obj;
  for (const s of steps) {
    if (typeof s === 'number') cur = Array.isArray(cur) ? cur[s] : undefined;
    else cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? getOwn(cur, s) : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets the value at field-only `steps`, creating objects on the way (scale writes). */
export function setAtPath(obj: Record<string, unknown>, steps: readonly PathStep[], value: unknown): void {
  let cur: Record<string, unknown> = obj;
  for (const [i, s] of steps.entries()) {
    const key = String(s);
    if (i === steps.length - 1) {
      setOwn(cur, key, value);
      return;
    }
    let next = getOwn(cur, key);
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      next = {};
      setOwn(cur, key, next);
    }
    cur = next as Record<string, unknown>;
  }
}
