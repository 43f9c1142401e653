/**
 * The short fault-injection run (the long one is hack/chaos.sh): a few cycles of claims (static
 * by selector, dynamic, named volumeName, mismatched) and pods writing data, each with one fault
 * (kill -9 of etcd / apiserver / controller-manager / kubelet, or a compaction) at a random
 * point; after each, the cluster must converge and every invariant of test/chaos/invariants.ts
 * hold. CHAOS_SEED replays a run; CHAOS_CYCLES sets its length (default 5: every fault once).
 */
import { expect } from 'chai';
import { runChaos } from '../../chaos/run';
import { skipWithoutDocker } from '../kubelet/support';

describe('e2e: fault injection (short run)', function () {
  this.timeout(900_000);
  before(function () {
    skipWithoutDocker(this);
  });

  it('every fault kind once: the cluster converges and no invariant is violated', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 12);
    const cycles = Number(process.env.CHAOS_CYCLES ?? 5);
    const lines: string[] = [];
    const report = await runChaos({ cycles, seed, log: (l) => lines.push(l) });
    expect(report.violations, `seed ${seed}\n${lines.join('\n')}\nlogs in ${report.dir}`).to.deep.equal([]);
    expect(report.cycles).to.equal(cycles);
    expect(Object.values(report.faults).filter((n) => n > 0)).to.have.length(Math.min(cycles, 5));
  });
});
