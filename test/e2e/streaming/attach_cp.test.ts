/**
 * kubectl attach and kubectl cp end to end (cp runs tar in the container through exec, both
 * ways): real kubectl 1.32, the secure apiserver, the kubelet and Docker.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { claimObject, create, podObject, useKubeletCluster, waitLogs, waitReady } from '../kubelet/support';

describe('e2e/streaming: kubectl attach and cp', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  before(async () => {
    await create(
      c,
      claimObject('cp-data'),
      podObject('cp-pod', { claim: 'cp-data', script: 'echo ready; sleep 3600' }),
      podObject('ticker', { script: 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done' }),
    );
    await waitReady(c, 'cp-pod');
    await waitReady(c, 'ticker');
    await waitLogs(c, ['cp-pod'], /^ready$/m);
  });

  it('attach streams the lines the pod prints from now on', async () => {
    const child = spawn('kubectl', [`--kubeconfig=${c.kubeconfig}`, 'attach', 'ticker']);
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      await waitFor(() => (out.match(/^tick-\d+$/gm) ?? []).length >= 3, 20_000, 'three ticks through attach');
      const ticks = (out.match(/^tick-(\d+)$/gm) ?? []).map((l) => Number(l.slice(5)));
      expect(
        ticks.slice(1).every((n, i) => n === (ticks[i] ?? -2) + 1),
        `consecutive: ${ticks.join(',')}`,
      ).to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('cp a file into the pod and back out: the bytes are identical', async () => {
    const original = randomBytes(3 * 1024 * 1024 + 17);
    const local = path.join(c.dir, 'cp-in.bin');
    const back = path.join(c.dir, 'cp-out.bin');
    writeFileSync(local, original);
    await c.ok(['cp', local, 'cp-pod:/data/cp-in.bin']);
    const size = await c.ok(['exec', 'cp-pod', '--', 'sh', '-c', 'wc -c < /data/cp-in.bin']);
    expect(Number(size.trim())).to.equal(original.length);
    await c.ok(['cp', 'cp-pod:/data/cp-in.bin', back]);
    expect(readFileSync(back).equals(original)).to.equal(true);
  });
});
