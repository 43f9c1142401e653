/**
 * Volume expansion end to end with the real kubectl, a running pod and the built binaries:
 * `kubectl patch pvc … 2Gi` on a class with allowVolumeExpansion grows the mounted hostPath
 * claim online (`kubectl get pvc` shows 2Gi, `kubectl describe pvc` the events) while the pod
 * keeps running; on the built-in hostPath class (allowVolumeExpansion false) the patch is
 * refused with Kubernetes' Forbidden message instead of a silent `patched`. A local volume's
 * expansion is finished by the kubelet of its node (FileSystemResizePending → capacity).
 */
import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import {
  claimHostDir,
  claimObject,
  create,
  podObject,
  useKubeletCluster,
  waitEvent,
  waitLogs,
  waitReady,
} from './support';

const growClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'grow' },
  provisioner: 'kubestore.io/hostpath',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
  allowVolumeExpansion: true,
};

const patch2Gi = ['-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'];

describe('e2e/kubelet: volume expansion through kubectl', function () {
  this.timeout(180_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  it('kubectl patch grows a mounted claim online: get pvc shows 2Gi, describe pvc the resize events', async () => {
    await create(
      c,
      growClass,
      claimObject('grow-data', 'grow'),
      podObject('grow-app', { claim: 'grow-data', script: 'echo hello > /data/f && echo started; sleep 3600' }),
    );
    const uid = await waitReady(c, 'grow-app');
    await waitLogs(c, ['grow-app'], /^started$/m);
    expect(await c.ok(['patch', 'pvc', 'grow-data', ...patch2Gi])).to.match(/persistentvolumeclaim\/grow-data patched/);
    let last = '';
    await waitFor(
      async () => {
        last = await c.ok(['get', 'pvc', 'grow-data', '--no-headers']);
        return /\s2Gi\s/.test(last);
      },
      60_000,
      'kubectl get pvc to show 2Gi',
    ).catch((err: Error) => {
      throw new Error(`${err.message} (last: ${last})`);
    });
    const volume = (await c.ok(['get', 'pvc', 'grow-data', '-o', 'jsonpath={.spec.volumeName}'])).trim();
    expect((await c.ok(['get', 'pv', volume, '-o', 'jsonpath={.spec.capacity.storage}'])).trim()).to.equal('2Gi');
    // The controller records its event after the status write, through an asynchronous queue.
    await waitEvent(c, 'grow-data', /^Normal VolumeResizeSuccessful: Resize volume succeeded$/);
    const described = await c.ok(['describe', 'pvc', 'grow-data']);
    expect(described).to.match(/Capacity:\s+2Gi/);
    expect(described).to.match(/Normal\s+Resizing\s+.*External resizer is resizing volume pvc-/);
    expect(described).to.match(/Normal\s+VolumeResizeSuccessful\s+.*Resize volume succeeded/);
    // The pod kept running through it (online expansion): same uid, still Running, data intact.
    expect((await c.ok(['get', 'pod', 'grow-app', '-o', 'jsonpath={.metadata.uid} {.status.phase}'])).trim()).to.equal(
      `${uid} Running`,
    );
    expect(readFileSync(path.join(await claimHostDir(c, 'grow-data'), 'f'), 'utf8')).to.equal('hello\n');
  });

  it('a local volume is finished by its kubelet: FileSystemResizePending, then capacity 2Gi and FileSystemResizeSuccessful', async () => {
    const dir = path.join(c.localVolumeRoot(), 'grow-ssd');
    mkdirSync(dir);
    await create(c, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local-grow' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    await create(c, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'local-grow-pv' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local-grow',
        local: { path: dir },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [c.nodeName] }] },
            ],
          },
        },
      },
    });
    await c.waitJsonpath(['get', 'pv', 'local-grow-pv'], '{.status.phase}', 'Available');
    await create(
      c,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'local-data', namespace: 'default' },
        spec: {
          storageClassName: 'local-grow',
          volumeName: 'local-grow-pv',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
      podObject('local-app', { claim: 'local-data', script: 'echo started; sleep 3600', nodeName: c.nodeName }),
    );
    await waitReady(c, 'local-app');
    await c.ok(['patch', 'pvc', 'local-data', ...patch2Gi]);
    // The controller side: PV grown, the claim waits for the node.
    await c.waitJsonpath(['get', 'pv', 'local-grow-pv'], '{.spec.capacity.storage}', '2Gi');
    // The kubelet watches the claims its pods mount: it finishes at once, not at its next pod
    // resync (60 s, the deadline's triple).
    await c.waitJsonpath(['get', 'pvc', 'local-data'], '{.status.capacity.storage}', '2Gi', 20_000);
    expect((await c.ok(['get', 'pvc', 'local-data', '-o', 'jsonpath={.status.conditions}'])).trim()).to.equal('');
    // The kubelet records its event after the status write, through an asynchronous queue.
    await waitEvent(c, 'local-data', /^Normal FileSystemResizeSuccessful: /);
    const described = await c.ok(['describe', 'pvc', 'local-data']);
    expect(described).to.match(/Normal\s+FileSystemResizeRequired\s+.*Require file system resize of volume on node/);
    expect(described).to.match(
      /Normal\s+FileSystemResizeSuccessful\s+.*MountVolume\.NodeExpandVolume succeeded for volume "local-grow-pv"/,
    );
  });

  it('kubectl patch on a class without allowVolumeExpansion is Forbidden, with Kubernetes’ message', async () => {
    await create(c, claimObject('fixed-data'));
    await waitFor(
      async () => (await c.ok(['get', 'pvc', 'fixed-data', '-o', 'jsonpath={.status.phase}'])).trim() === 'Bound',
      60_000,
      'fixed-data Bound',
    );
    const r = await c.kubectl(['patch', 'pvc', 'fixed-data', ...patch2Gi]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'Error from server (Forbidden): persistentvolumeclaims "fixed-data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
    expect(
      (await c.ok(['get', 'pvc', 'fixed-data', '-o', 'jsonpath={.spec.resources.requests.storage}'])).trim(),
    ).to.equal('10Mi');
  });
});
