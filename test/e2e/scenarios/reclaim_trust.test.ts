/**
 * The forged-PV attack of issue 12 end to end, through the real kubectl against the real
 * binaries (kube-apiserver, kube-controller-manager) on real etcd, with real directories in a
 * temp dir: a PV created by hand with `pv.kubernetes.io/provisioned-by: kubestore.io/hostpath`
 * and `kubestore.io/provisioned-base`, reclaim policy Delete or Recycle, bound to a claim that
 * is then deleted, never deletes or empties its directory (outside the roots, or inside the
 * base with no provisioning record): the PV goes Failed with a Warning event. A legit
 * provisioned volume is still deleted, and a StorageClass naming a directory outside the allowed
 * roots is refused by the apiserver.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestCluster } from '../../helpers/cluster';

describe('e2e: reclaim never deletes what the controller did not provision (kubectl, real binaries)', function () {
  this.timeout(120_000);
  let c: TestCluster;
  let roots: string;
  let fast: string;

  before(async () => {
    roots = mkdtempSync(path.join(os.tmpdir(), 'kubestore-e2e-roots-'));
    fast = path.join(roots, 'fast');
    // The same --hostpath-allowed-roots for both binaries, as hack/local-up-cluster.sh passes it.
    c = new TestCluster({
      kubelet: false,
      apiFlags: [`--hostpath-allowed-roots=${fast}`],
      cmFlags: [`--hostpath-allowed-roots=${fast}`],
    });
    await c.up();
  });

  after(async () => {
    await c?.down();
    if (roots) rmSync(roots, { recursive: true, force: true });
  });

  const yaml = (name: string, dir: string, policy: string): string => `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
  annotations:
    pv.kubernetes.io/provisioned-by: kubestore.io/hostpath
    kubestore.io/provisioned-base: ${path.dirname(dir)}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: ${policy}
  storageClassName: hostPath
  hostPath: {path: ${dir}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: default}
spec:
  storageClassName: hostPath
  volumeName: ${name}
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;

  for (const policy of ['Delete', 'Recycle']) {
    it(`a forged ${policy} PV: claim deleted → PV Failed + Warning event, /some/dir/important and a base dir without record untouched`, async () => {
      const tag = policy.toLowerCase();
      const outside = path.join(c.dir, 'some', 'dir', `important-${tag}`);
      const inBase = path.join(c.hostPathBase, `important-${tag}`);
      for (const dir of [outside, inBase]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'precious'), 'data');
      }
      const names = [`forged-out-${tag}`, `forged-in-${tag}`];
      await c.ok(
        ['apply', '-f', '-'],
        `${yaml(names[0] ?? '', outside, policy)}---${yaml(names[1] ?? '', inBase, policy)}`,
      );
      for (const n of names) await c.waitJsonpath(['get', 'pvc', n], '{.status.phase}', 'Bound');
      await c.ok(['delete', 'pvc', ...names, '--wait=false']);
      for (const n of names) {
        await c.waitJsonpath(['get', 'pv', n], '{.status.phase}', 'Failed');
        const message = await c.ok(['get', 'pv', n, '-o', 'jsonpath={.status.message}']);
        expect(message).to.match(/its data was left in place/);
        const reason = policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle';
        await c.waitJsonpath(
          ['get', 'events', '-n', 'default', '--field-selector', `involvedObject.name=${n},reason=${reason}`],
          '{.items[*].type}',
          /Warning/,
        );
      }
      expect(readdirSync(outside)).to.deep.equal(['precious']);
      expect(readdirSync(inBase)).to.deep.equal(['precious']);
    });
  }

  it('a legit dynamically provisioned volume is still deleted when its claim is deleted', async () => {
    await c.ok(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: legit, namespace: default}\nspec:\n  storageClassName: hostPath\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n',
    );
    await c.waitJsonpath(['get', 'pvc', 'legit'], '{.status.phase}', 'Bound');
    const pv = await c.ok(['get', 'pvc', 'legit', '-o', 'jsonpath={.spec.volumeName}']);
    const dir = await c.ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']);
    expect(existsSync(dir)).to.equal(true);
    expect(existsSync(path.join(c.recordDir, `${pv}.json`))).to.equal(true);
    await c.ok(['delete', 'pvc', 'legit']);
    await c.waitJsonpath(['get', 'pv', '--ignore-not-found', pv], '{.metadata.name}', '');
    expect(existsSync(dir)).to.equal(false);
    expect(existsSync(path.join(c.recordDir, `${pv}.json`))).to.equal(false);
  });

  it('kubectl apply of a hostPath StorageClass naming /anywhere is refused (422); one under --hostpath-allowed-roots is created', async () => {
    const sc = (name: string, p: string) =>
      `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: ${name}}\nprovisioner: kubestore.io/hostpath\nparameters: {path: "${p}"}\n`;
    const r = await c.kubectl(['apply', '-f', '-'], sc('anywhere', '/anywhere'));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(
      /is invalid: parameters\.path: Invalid value: "\/anywhere": \/anywhere is not under an allowed root/,
    );
    expect(await c.ok(['apply', '-f', '-'], sc('fast', path.join(fast, 'ssd')))).to.match(
      /storageclass.storage.k8s.io\/fast created/,
    );
    await c.ok(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: on-fast, namespace: default}\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n',
    );
    await c.waitJsonpath(['get', 'pvc', 'on-fast'], '{.status.phase}', 'Bound');
    const pv = await c.ok(['get', 'pvc', 'on-fast', '-o', 'jsonpath={.spec.volumeName}']);
    const dir = await c.ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']);
    expect(path.dirname(dir)).to.equal(path.join(fast, 'ssd'));
    expect(existsSync(dir)).to.equal(true);
  });
});
