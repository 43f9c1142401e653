/**
 * The kubelet rides out a dockerd restart: the daemon is stopped (its containers die with it)
 * and started again through hack/lib/deps.sh; the kubelet re-subscribes to Docker's events,
 * resyncs its pods and restarts the container (restartPolicy Always), and the pod is Running
 * and Ready again with restartCount 1 and its data intact. Restarts the shared dockerd, so it
 * runs only where this suite started dockerd itself (KUBESTORE_DOCKER=1 and a dockerd process).
 */
import { expect } from 'chai';
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { claimHostDir, claimObject, create, nodeContainers, podObject, useKubeletCluster, waitReady } from './support';

const root = path.resolve(__dirname, '../../../..');

describe('e2e/kubelet: dockerd restart', function () {
  this.timeout(180_000);
  let c: TestCluster;
  useKubeletCluster((cluster) => (c = cluster));

  it('the kubelet survives, restarts the pod container and keeps the pod Running', async function () {
    try {
      execSync('pgrep -x dockerd', { stdio: 'ignore' });
    } catch {
      console.log('      skipped: no dockerd process this test may restart');
      this.skip();
    }
    await create(
      c,
      claimObject('restart-data'),
      podObject('restart-pod', {
        claim: 'restart-data',
        script: "echo kept > /data/x; trap 'exit 0' TERM; while true; do sleep 1; done",
      }),
    );
    await waitReady(c, 'restart-pod');
    const [before] = await nodeContainers(c.nodeName);
    execSync('pkill -x dockerd; while pgrep -x dockerd >/dev/null; do sleep 0.2; done', { timeout: 60_000 });
    execFileSync('bash', ['-c', `source hack/lib/deps.sh && kube::deps::docker "${path.join(root, '.run')}"`], {
      cwd: root,
      stdio: 'ignore',
      timeout: 90_000,
    });
    await waitFor(
      async () => {
        const now = await nodeContainers(c.nodeName);
        return now.length === 1 && now[0]?.id !== before?.id;
      },
      60_000,
      'a new running container after dockerd came back',
    );
    await c.waitJsonpath(
      ['get', 'pod', 'restart-pod'],
      '{.status.containerStatuses[0].restartCount} {.status.conditions[?(@.type=="Ready")].status}',
      '1 True',
      60_000,
    );
    expect(c.procs.get('kubelet')?.exitCode).to.equal(null);
    expect(readFileSync(path.join(await claimHostDir(c, 'restart-data'), 'x'), 'utf8')).to.equal('kept\n');
  });
});
