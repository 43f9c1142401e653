/**
 * Result rows and tables of the benchmarks. Every benchmark prints its own markdown table and
 * appends its headline rows (one JSON object per line) to the file named by BENCH_RESULTS, from
 * which hack/benchmark.sh prints one combined table (test/bench/report.ts). Targets are shown
 * as met/missed; a benchmark never fails because of a number.
 */
import { appendFileSync } from 'node:fs';

/** Whether smaller or larger values are better (decides how a target is judged). */
export type Better = 'higher' | 'lower';

/** A target a figure is judged against. */
export interface Target {
  /** e.g. "≥ 0.6× raw etcd". */
  text: string;
  /** Undefined when the target cannot be judged by a number (informational). */
  met?: boolean;
}

/** One headline figure: its value, its baseline measured in the same run, and its target. */
export interface ResultRow {
  benchmark: string;
  figure: string;
  /** The figure, already formatted with its unit. */
  value: string;
  /** The baseline, formatted (or '—'). */
  baseline: string;
  /** value ÷ baseline, formatted (or '—'). */
  ratio: string;
  target: string;
}

/** Formats a number with a fixed number of decimals and thousands separators. */
export function fmt(n: number, decimals = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A rate in objects per second. */
export const perSec = (n: number, unit = '/s'): string => `${fmt(n, n < 100 ? 1 : 0)} ${unit.trim()}`;
/** Milliseconds. */
export const ms = (n: number): string => `${fmt(n, Math.abs(n) < 10 ? 2 : 1)} ms`;
/** Bytes. */
export const bytes = (n: number): string => `${fmt(n, 0)} B`;
/** A ratio. */
export const times = (n: number): string => (Number.isFinite(n) ? `${fmt(n, 2)}×` : '—');

/** "met"/"missed"/"" suffix of a target. */
export function judged(t: Target): string {
  return t.met === undefined ? t.text : `${t.text} (${t.met ? 'met' : 'MISSED'})`;
}

/** Renders a markdown table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${headers.map(esc).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

/** Prints a titled table to stdout. */
export function printTable(title: string, headers: string[], rows: string[][], notes: string[] = []): void {
  const out = [`\n### ${title}\n`, markdownTable(headers, rows)];
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  process.stdout.write(`${out.join('\n')}\n\n`);
}

/** Prints headline rows as the benchmark's own summary and appends them to $BENCH_RESULTS. */
export function recordResults(rows: ResultRow[]): void {
  printTable(
    `${rows[0]?.benchmark ?? 'benchmark'}: summary`,
    ['benchmark', 'figure', 'value', 'baseline', 'ratio', 'target'],
    rows.map((r) => [r.benchmark, r.figure, r.value, r.baseline, r.ratio, r.target]),
  );
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

/** Builds a row from numbers (ratio = value ÷ baseline). */
export function row(o: {
  benchmark: string;
  figure: string;
  value: number;
  baseline?: number;
  format: (n: number) => string;
  target?: Target;
  /** Overrides the computed ratio text. */
  ratio?: string;
}): ResultRow {
  const hasBase = o.baseline !== undefined && Number.isFinite(o.baseline);
  return {
    benchmark: o.benchmark,
    figure: o.figure,
    value: o.format(o.value),
    baseline: hasBase && o.baseline !== undefined ? o.format(o.baseline) : '—',
    ratio: o.ratio ?? (hasBase && o.baseline ? times(o.value / o.baseline) : '—'),
    target: o.target ? judged(o.target) : '—',
  };
}
