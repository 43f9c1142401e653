/**
 * The long chaos run (hack/chaos.sh): `node dist/test/chaos/main.js [CYCLES] [SEED]` runs the
 * fault-injection cycles of ./run.ts and prints cycles, faults by type, convergence time per
 * fault type and every violation. Exit 1 when an invariant was violated.
 */
import { runChaos, type ChaosReport } from './run';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function print(r: ChaosReport): void {
  const lines = [
    `chaos: ${r.cycles} cycles, seed ${r.seed}, ${r.violations.length} violation(s)`,
    '',
    '| fault | cycles | convergence p50 | p90 | max |',
    '|---|---|---|---|---|',
  ];
  for (const [fault, times] of Object.entries(r.convergenceMs)) {
    const sorted = [...times].sort((a, b) => a - b);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    lines.push(
      `| ${fault} | ${r.faults[fault as keyof typeof r.faults]} | ${s(percentile(sorted, 50))} | ${s(percentile(sorted, 90))} | ${s(sorted[sorted.length - 1] ?? 0)} |`,
    );
  }
  lines.push(
    '',
    ...(r.violations.length
      ? ['violations:', ...r.violations.map((v) => `  - ${v}`), `(component logs kept in ${r.dir})`]
      : ['violations: none']),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const cycles = Number(process.argv[2] ?? 50);
const seed = Number(process.argv[3] ?? Date.now() % 100_000);
if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: chaos [CYCLES] [SEED]\n');
  process.exit(2);
}
runChaos({ cycles, seed, log: (l) => process.stdout.write(`${l}\n`) }).then(
  (r) => {
    print(r);
    process.exit(r.violations.length ? 1 : 0);
  },
  (err: unknown) => {
    process.stderr.write(`chaos: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
