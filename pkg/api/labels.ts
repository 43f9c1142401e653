/**
 * Label selectors: the string form of `?labelSelector=` (`a=b,c!=d,e in (x,y),f notin (z),g,!h`)
 * and the structured form of `spec.selector` (matchLabels / matchExpressions), both compiled to
 * a list of requirements that must all hold.
 */
import type { LabelSelector, StringMap } from './meta';
import { getOwn } from '../util/json/own';

/** One requirement of a selector. */
export interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

/** A parsed selector; the empty selector matches everything. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: StringMap | undefined): boolean;
  empty(): boolean;
}

/** Error for a selector string that does not parse. */
export class SelectorParseError extends Error {}

function selectorOf(requirements: Requirement[]): Selector {
  return {
    requirements,
    empty: () => requirements.length === 0,
    matches(labels) {
      return requirements.every((r) => {
        const v = labels ? getOwn<string>(labels, r.key) : undefined;
        switch (r.op) {
          case 'in':
            return v !== undefined && r.values.includes(v);
          case 'notin':
            return v === undefined || !r.values.includes(v);
          case 'exists':
            return v !== undefined;
          case '!':
            return v === undefined;
        }
      });
    },
  };
}

const keyPattern = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!keyPattern.test(key)) throw new SelectorParseError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !valuePattern.test(value)) throw new SelectorParseError(`invalid label value: "${value}"`);
  return value;
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses the string form of a label selector; throws SelectorParseError. */
export function parseLabelSelector(input: string | undefined): Selector {
  const s = (input ?? '').trim();
  if (!s) return selectorOf([]);
  const reqs: Requirement[] = [];
  for (const raw of splitTerms(s)) {
    const term = raw.trim();
    if (!term) throw new SelectorParseError(`found '', expected: identifier in selector "${s}"`);
    let m: RegExpExecArray | null;
    if ((m = /^!\s*(\S+)$/.exec(term))) {
      reqs.push({ key: checkKey(m[1] ?? ''), op: '!', values: [] });
    } else if ((m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const values = (m[3] ?? '').split(',').map((v) => checkValue(v.trim()));
      reqs.push({ key: checkKey(m[1] ?? ''), op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      reqs.push({ key: checkKey(m[1] ?? ''), op: m[2] === '!=' ? 'notin' : 'in', values: [checkValue(m[3] ?? '')] });
    } else if (/^[^=!\s()]+$/.test(term)) {
      reqs.push({ key: checkKey(term), op: 'exists', values: [] });
    } else {
      throw new SelectorParseError(`unable to parse requirement: "${term}"`);
    }
  }
  return selectorOf(reqs);
}

/** Compiles a structured LabelSelector (undefined = match everything). */
export function labelSelectorFrom(sel: LabelSelector | undefined): Selector {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key, op: 'in', values: [value] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!';
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return selectorOf(reqs);
}

/**
 * The string form of a structured selector, as apimachinery's `LabelSelectorAsSelector(s).String()`
 * prints it (a Scale's status.selector): requirements sorted by key, `k=v` for matchLabels,
 * `k in (a,b)` / `k notin (a,b)` with sorted values, `k` for Exists and `!k` for DoesNotExist.
 */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  const terms: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) terms.push({ key, text: `${key}=${value}` });
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`;
    terms.push({ key: e.key, text });
  }
  return terms
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((t) => t.text)
    .join(',');
}
