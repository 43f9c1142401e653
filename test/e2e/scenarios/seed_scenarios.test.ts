/**
 * The seed's five scenarios end to end, driven only through the real kubectl against the real
 * binaries (apiserver, controller-manager, kubelet) on real etcd and dockerd, using the
 * manifests in manifests/ unchanged. Data is read back through pods' `kubectl logs`.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { removeNodeContainers, TestCluster } from '../../helpers/cluster';
import { waitLogs } from '../kubelet/support';

const manifests = path.resolve(__dirname, '../../../../manifests');
const m = (name: string): string => path.join(manifests, name);

describe('e2e: the seed scenarios through kubectl', function () {
  this.timeout(180_000);
  let c: TestCluster;

  before(async function () {
    if (process.env.KUBESTORE_DOCKER === '0') {
      console.log('    skipped: dockerd is not usable on this machine (KUBESTORE_DOCKER=0)');
      this.skip();
    }
    c = new TestCluster({ kubelet: true });
    await c.up();
  });

  after(async () => {
    if (!c) return;
    await c.down();
    await removeNodeContainers(c.nodeName);
  });

  const jsonpath = (kind: string, name: string, jp: string) => c.ok(['get', kind, name, '-o', `jsonpath=${jp}`]);

  it('(1) provisions a volume dynamically for each storage class', async () => {
    expect(await c.ok(['apply', '-f', m('pvc-dynamic-test.yaml')])).to.match(
      /persistentvolumeclaim\/pvc-dynamic-test created/,
    );
    await c.waitJsonpath(['get', 'pvc', 'pvc-dynamic-test'], '{.status.phase}', 'Bound');
    await c.waitJsonpath(['get', 'pvc', 'pvc-dynamic-nfs-test'], '{.status.phase}', 'Bound');
    const hostPv = await jsonpath('pvc', 'pvc-dynamic-test', '{.spec.volumeName}');
    const nfsPv = await jsonpath('pvc', 'pvc-dynamic-nfs-test', '{.spec.volumeName}');
    const hostDir = await jsonpath('pv', hostPv, '{.spec.hostPath.path}');
    expect(hostDir.startsWith(c.hostPathBase)).to.equal(true);
    expect(existsSync(hostDir)).to.equal(true);
    expect(await jsonpath('pv', nfsPv, '{.spec.nfs.server}')).to.equal('localhost');
    const nfsPath = await jsonpath('pv', nfsPv, '{.spec.nfs.path}');
    expect(existsSync(path.join(c.nfsExportRoot, path.basename(nfsPath)))).to.equal(true);
    const table = await c.ok(['get', 'pvc', 'pvc-dynamic-test']);
    expect(table).to.match(/pvc-dynamic-test\s+Bound\s+pvc-[0-9a-f-]+\s+500Mi\s+RWO\s+hostPath/);
  });

  it('(2) binds a claim to a named PV, creating the PV when it is missing', async () => {
    await c.ok(['apply', '-f', m('pvc-specific-pv-test.yaml')]);
    await c.waitJsonpath(['get', 'pvc', 'pvc-specific-test'], '{.status.phase}', 'Bound');
    expect(await jsonpath('pvc', 'pvc-specific-test', '{.spec.volumeName}')).to.equal('my-specific-pv');
    expect(await jsonpath('pv', 'my-specific-pv', '{.spec.capacity.storage}')).to.equal('2Gi');
    expect(await jsonpath('pv', 'my-specific-pv', '{.spec.claimRef.name}')).to.equal('pvc-specific-test');
    await c.ok(['apply', '-f', m('pvc-specific-nfs-pv-test.yaml')]);
    await c.waitJsonpath(['get', 'pvc', 'pvc-specific-nfs-test'], '{.status.phase}', 'Bound');
    expect(await jsonpath('pv', 'my-specific-nfs-pv', '{.spec.nfs.path}')).to.match(/^\/exports\//);
    // An existing named PV is bound as it is.
    await c.ok(['apply', '-f', m('pv-nfs.yaml')]);
    await c.waitJsonpath(['get', 'pv', 'static-nfs-pv'], '{.status.phase}', 'Available');
    await c.ok(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'claims-static-nfs' },
        spec: {
          storageClassName: 'nfs',
          volumeName: 'static-nfs-pv',
          accessModes: ['ReadWriteMany'],
          resources: { requests: { storage: '1Gi' } },
        },
      }),
    );
    await c.waitJsonpath(['get', 'pv', 'static-nfs-pv'], '{.status.phase}', 'Bound');
    // The PV's status is written before the claim's (Kubernetes' order): wait for the claim too.
    await c.waitJsonpath(['get', 'pvc', 'claims-static-nfs'], '{.status.phase}', 'Bound');
    expect(await jsonpath('pvc', 'claims-static-nfs', '{.status.capacity.storage}')).to.equal('5Gi');
  });

  it('binds a claim with a selector to the labelled static PV', async () => {
    // As the README applies it: the manifest's default data dir replaced by this cluster's.
    const staticPv = readFileSync(m('pv-hostpath.yaml'), 'utf8').replaceAll('/var/lib/kubestore/', `${c.dir}/`);
    await c.ok(['apply', '-f', '-'], staticPv);
    expect(await jsonpath('pv', 'static-hostpath-pv', '{.spec.hostPath.path}')).to.equal(
      path.join(c.dir, 'static', 'static-hostpath-pv'),
    );
    await c.ok(['apply', '-f', m('pvc-selector.yaml')]);
    await c.waitJsonpath(['get', 'pvc', 'fast-claim'], '{.status.phase}', 'Bound');
    expect(await jsonpath('pvc', 'fast-claim', '{.spec.volumeName}')).to.equal('static-hostpath-pv');
  });

  it('(3) marks a claim Failed on a storage-type mismatch, with an event describe shows', async () => {
    await c.ok(['apply', '-f', m('pvc-type-mismatch.yaml')]);
    await c.waitJsonpath(['get', 'pvc', 'pvc-mismatch-test'], '{.status.phase}', 'Failed');
    await c.waitJsonpath(
      ['get', 'events', '--field-selector', 'involvedObject.name=pvc-mismatch-test,reason=VolumeMismatch'],
      '{.items[*].reason}',
      /VolumeMismatch/,
    );
    const described = await c.ok(['describe', 'pvc', 'pvc-mismatch-test']);
    expect(described).to.match(/Status:\s+Failed/);
    expect(described).to.match(/Warning\s+VolumeMismatch\s+.*storage type mismatch/);
    // Nothing else changed: the PV stays bound to its own claim.
    expect(await jsonpath('pv', 'static-hostpath-pv', '{.spec.claimRef.name}')).to.equal('fast-claim');
  });

  it('(4) runs a pod that mounts its claim and writes to it; (5) the data survives the pod', async () => {
    await c.ok(['apply', '-f', m('pod-pvc-only-test.yaml')]);
    await c.ok(['wait', '--for=condition=Ready', 'pod/test-pod', '--timeout=90s']);
    // Ready is the container running, not its `cat` having printed: wait for a whole line.
    const first = await waitLogs(c, ['test-pod'], /\n/);
    expect(first.trim().split('\n')).to.have.length(1);
    // A volume of its own, provisioned: step 3's static PV is held by the selector claim.
    expect(await jsonpath('pvc', 'my-pvc', '{.spec.volumeName}')).to.match(/^pvc-[0-9a-f-]+$/);
    const dir = await jsonpath('pv', await jsonpath('pvc', 'my-pvc', '{.spec.volumeName}'), '{.spec.hostPath.path}');
    expect(readFileSync(path.join(dir, 'log.txt'), 'utf8')).to.equal(first);
    // (5) delete the pod (kubectl returns once it is gone), recreate it: the file has both lines.
    await c.ok(['delete', 'pod', 'test-pod', '--grace-period=1']);
    expect((await c.kubectl(['get', 'pod', 'test-pod'])).code).to.not.equal(0);
    await c.ok(['apply', '-f', m('pod-pvc-only-test.yaml')]);
    await c.ok(['wait', '--for=condition=Ready', 'pod/test-pod', '--timeout=90s']);
    const second = (await waitLogs(c, ['test-pod'], /\n[^\n]+\n/)).trim().split('\n');
    expect(second).to.have.length(2);
    expect(second[0]).to.equal(first.trim());
  });

  it('lets two pods share one claim', async () => {
    await c.ok(['apply', '-f', m('pods-sharing-claim.yaml')]);
    await c.ok(['wait', '--for=condition=Ready', 'pod/shared-writer', 'pod/shared-reader', '--timeout=90s']);
    await c.waitJsonpath(['get', 'pod', 'shared-reader'], '{.status.phase}', 'Running');
    const logs = await waitLogs(c, ['shared-reader'], /hello-from-writer/, 30_000);
    expect(logs.trim()).to.equal('hello-from-writer');
  });

  it('reclaims: Delete removes the directory and the PV; Retain keeps both', async () => {
    const pv = await jsonpath('pvc', 'pvc-dynamic-test', '{.spec.volumeName}');
    const dir = await jsonpath('pv', pv, '{.spec.hostPath.path}');
    await c.ok(['delete', 'pvc', 'pvc-dynamic-test']);
    await waitGone(c, 'pv', pv);
    expect(existsSync(dir)).to.equal(false);

    await c.ok(['apply', '-f', m('storageclass-retain.yaml')]);
    await c.waitJsonpath(['get', 'pvc', 'retained-claim'], '{.status.phase}', 'Bound');
    const kept = await jsonpath('pvc', 'retained-claim', '{.spec.volumeName}');
    const keptDir = await jsonpath('pv', kept, '{.spec.hostPath.path}');
    await c.ok(['delete', 'pvc', 'retained-claim']);
    await c.waitJsonpath(['get', 'pv', kept], '{.status.phase}', 'Released');
    expect(existsSync(keptDir)).to.equal(true);
    expect(readdirSync(path.dirname(keptDir))).to.include(path.basename(keptDir));
  });

  it('every manifest in manifests/ has been applied by this suite', () => {
    const applied = [
      'pvc-dynamic-test.yaml',
      'pvc-specific-pv-test.yaml',
      'pvc-specific-nfs-pv-test.yaml',
      'pod-pvc-only-test.yaml',
      'pv-hostpath.yaml',
      'pv-nfs.yaml',
      'storageclass-retain.yaml',
      'pvc-selector.yaml',
      'pods-sharing-claim.yaml',
      'pvc-type-mismatch.yaml',
    ];
    // Applied by other suites: test/e2e/kubectl/statefulset.test.ts, test/e2e/scenarios/statefulset_nodes.test.ts
    // and test/e2e/kubelet/multinode_local.test.ts.
    const appliedElsewhere = ['statefulset.yaml', 'storageclass-wffc.yaml', 'local-pv.yaml'];
    expect(
      readdirSync(manifests)
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).to.deep.equal([...applied, ...appliedElsewhere].sort());
  });

  async function waitGone(cl: TestCluster, kind: string, name: string): Promise<void> {
    await cl.waitJsonpath(['get', kind, '--ignore-not-found', name], '{.metadata.name}', '', 60_000);
  }
});
