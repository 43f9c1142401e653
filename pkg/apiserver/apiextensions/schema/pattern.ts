/**
 * Schema `pattern`s, compiled with RE2 semantics (re2js) as kube-apiserver compiles them with
 * Go's regexp: matching takes time linear in the input, so a CRD author's pattern such as
 * `^(a+)+$` cannot make one object's validation stall the apiserver (a JavaScript RegExp
 * backtracks exponentially on it). A pattern RE2 does not accept is invalid, as in Kubernetes.
 */
import { RE2JS } from 're2js';

/** A compiled pattern: true when it matches somewhere in `s` (unanchored, as JSON Schema says). */
export interface Pattern {
  test(s: string): boolean;
}

const cache = new Map<string, Pattern | undefined>();
/** Patterns come from CRDs; this bounds what a stream of changing schemas can keep alive. */
const maxCached = 1024;

/** The compiled pattern, or undefined when RE2 refuses it. */
export function compilePattern(p: string): Pattern | undefined {
  if (cache.has(p)) return cache.get(p);
  let compiled: Pattern | undefined;
  try {
    const re = RE2JS.compile(p);
    compiled = { test: (s) => re.matcher(s).find() };
  } catch {
    compiled = undefined;
  }
  if (cache.size >= maxCached) cache.clear();
  cache.set(p, compiled);
  return compiled;
}
