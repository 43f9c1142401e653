/**
 * Field selectors (`?fieldSelector=spec.nodeName=n1,status.phase!=Failed`): only `=`, `==` and
 * `!=` on fields the resource declares selectable; anything else is rejected.
 */

/** One field requirement. */
export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** A parsed field selector over a resource's selectable fields. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Record<string, string | undefined>): boolean;
  empty(): boolean;
}

/** Error for a malformed selector or a field the resource does not support. */
export class FieldSelectorError extends Error {}

/** Parses a field selector, checking each field against `supported`. */
export function parseFieldSelector(input: string | undefined, supported: readonly string[]): FieldSelector {
  const reqs: FieldRequirement[] = [];
  const s = (input ?? '').trim();
  for (const raw of s ? s.split(',') : []) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new FieldSelectorError(`invalid selector: '${s}'; can't understand '${raw}'`);
    const field = m[1] ?? '';
    if (!supported.includes(field)) throw new FieldSelectorError(`field label not supported: ${field}`);
    reqs.push({ field, value: m[3] ?? '', negate: m[2] === '!=' });
  }
  return {
    requirements: reqs,
    empty: () => reqs.length === 0,
    matches: (fields) => reqs.every((r) => ((fields[r.field] ?? '') === r.value) !== r.negate),
  };
}
