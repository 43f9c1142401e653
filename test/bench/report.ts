/**
 * Prints the combined table of a benchmark run: every row the benchmarks appended to the
 * results file (one JSON object per line, see lib/table.ts), in run order, under one header.
 *
 *   node dist/test/bench/report.js RESULTS_FILE [FAILED_BENCHMARK...]
 */
import { existsSync, readFileSync } from 'node:fs';
import { markdownTable, type ResultRow } from './lib/table';

function main(): void {
  const [file = '', ...failed] = process.argv.slice(2);
  const rows: ResultRow[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as ResultRow)
    : [];
  for (const name of failed)
    rows.push({
      benchmark: name,
      figure: 'benchmark failed (see its output above)',
      value: '—',
      baseline: '—',
      ratio: '—',
      target: '—',
    });
  process.stdout.write(
    `\n## Benchmark results\n\n${markdownTable(
      ['benchmark', 'figure', 'value', 'baseline', 'ratio', 'target'],
      rows.map((r) => [r.benchmark, r.figure, r.value, r.baseline, r.ratio, r.target]),
    )}\n`,
  );
  const missed = rows.filter((r) => r.target.endsWith('(MISSED)'));
  process.stdout.write(
    `\n${rows.length} figures; ${missed.length} missed their target${missed.length ? `: ${missed.map((r) => `${r.benchmark} — ${r.figure}`).join('; ')}` : ''}.\n`,
  );
}

main();
