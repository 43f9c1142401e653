/**
 * The Kubernetes Python client (Debian's python3-kubernetes, unmodified) streaming through the
 * secure apiserver: `kubernetes.stream.stream()` exec over v4.channel.k8s.io, output and exit
 * code read back. Skipped (with the reason printed) when no python3 can `import kubernetes`.
 */
import { expect } from 'chai';
import type { TestCluster } from '../../helpers/cluster';
import { findPython, pyStream } from './python';
import { waitFor } from '../../helpers/wait';
import { create, podObject, useKubeletCluster, waitLogs, waitReady } from '../kubelet/support';

describe('e2e/streaming: the Python client stream() exec and portforward()', function () {
  this.timeout(120_000);
  let c: TestCluster;
  const python = findPython();

  before(function () {
    if (!python) {
      console.log('    skipped: no python3 can import kubernetes (hack/test.sh installs python3-kubernetes)');
      this.skip();
    }
  });
  useKubeletCluster((cluster) => (c = cluster));

  it('exec over v4.channel.k8s.io: stdout, stderr and the exit code', async () => {
    if (!python) return;
    await create(c, podObject('py-exec', { script: 'echo ready; sleep 3600' }));
    await waitReady(c, 'py-exec');
    await waitLogs(c, ['py-exec'], /^ready$/m);
    const ok = await pyStream(python, [
      c.kubeconfig,
      'exec',
      'default',
      'py-exec',
      'sh',
      '-c',
      'echo from-python; echo e >&2',
    ]);
    expect(ok).to.deep.equal({ stdout: 'from-python\n', stderr: 'e\n', returncode: 0 });
    const failed = await pyStream(python, [c.kubeconfig, 'exec', 'default', 'py-exec', 'sh', '-c', 'exit 7']);
    expect(failed.returncode).to.equal(7);
  });

  it('portforward() over v4.channel.k8s.io: a request to a port nc listens on in the pod', async () => {
    if (!python) return;
    await create(c, podObject('py-pf', { script: "nc -ll -p 8080 -e sh -c 'read line; echo got-$line'" }));
    await waitReady(c, 'py-pf');
    await waitFor(
      async () => (await c.kubectl(['exec', 'py-pf', '--', 'sh', '-c', 'netstat -ltn | grep -q :8080'])).code === 0,
      20_000,
      'nc to listen',
    );
    const r = await pyStream(python, [c.kubeconfig, 'portforward', 'default', 'py-pf', '8080', 'from-python\n']);
    expect(r).to.deep.equal({ reply: 'got-from-python\n', error: null });
  });
});
