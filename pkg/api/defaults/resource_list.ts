/** Canonical quantities in resource lists (requests, limits, capacity), as Kubernetes serializes them. */
import { canonicalQuantity } from '../quantity';

/**
 * `list` with each quantity in canonical form (`2048Mi` → `2Gi`, the number 5 → `"5"`); values
 * that are not quantities are kept for validation to refuse. Keys are copied as own data
 * properties (a `__proto__` key stays a key). Undefined stays undefined.
 */
export function canonicalResourceList<L extends Readonly<Record<string, string>> | undefined>(list: L): L {
  if (!list || typeof list !== 'object' || Array.isArray(list)) return list;
  return Object.fromEntries(Object.entries(list).map(([k, v]) => [k, canonicalQuantity(v) ?? v])) as L;
}
