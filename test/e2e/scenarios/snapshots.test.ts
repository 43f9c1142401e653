/**
 * Snapshots end to end through the real kubectl against the real binaries (the upstream
 * snapshot CRDs applied with kubectl, unmodified), on real etcd and dockerd: a pod writes data,
 * `kubectl apply` a VolumeSnapshot, another pod writes more, a claim restored from the snapshot
 * shows a third pod exactly the data of the snapshot's moment; a clone shows everything;
 * `kubectl get volumesnapshot` prints the CRD's columns; deleting the snapshot (policy Delete)
 * removes its content.
 */
import { expect } from 'chai';
import { removeNodeContainers, TestCluster } from '../../helpers/cluster';
import { waitLogs } from '../kubelet/support';

const yaml = (o: unknown): string => JSON.stringify(o);

function claim(name: string, dataSource?: Record<string, string>): string {
  return yaml({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: {
      storageClassName: 'hostPath',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Mi' } },
      ...(dataSource ? { dataSource } : {}),
    },
  });
}

function pod(name: string, claimName: string, script: string): string {
  return yaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          command: ['sh', '-c', `${script}; sleep 3600`],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  });
}

describe('e2e: snapshots, restore and clone through kubectl', function () {
  this.timeout(240_000);
  let c: TestCluster;

  before(async function () {
    if (process.env.KUBESTORE_DOCKER === '0') {
      console.log('    skipped: dockerd is not usable on this machine (KUBESTORE_DOCKER=0)');
      this.skip();
    }
    c = new TestCluster({ kubelet: true, snapshotCrds: true });
    await c.up();
  });

  after(async () => {
    if (!c) return;
    await c.down();
    await removeNodeContainers(c.nodeName);
  });

  async function logsOf(name: string, want: RegExp): Promise<string> {
    await c.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=90s']);
    return waitLogs(c, [name], want, 30_000);
  }

  it('restores exactly the snapshot’s data; a clone has everything; columns; Delete removes the content', async () => {
    await c.ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: { name: 'hostpath', annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } },
        driver: 'kubestore.io/hostpath',
        deletionPolicy: 'Delete',
      }),
    );
    await c.ok(['apply', '-f', '-'], claim('data'));
    await c.ok(['apply', '-f', '-'], pod('writer', 'data', 'echo before > /data/a.txt; echo written'));
    expect(await logsOf('writer', /written/)).to.include('written');

    await c.ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name: 'snap1' },
        spec: { volumeSnapshotClassName: 'hostpath', source: { persistentVolumeClaimName: 'data' } },
      }),
    );
    await c.waitJsonpath(['get', 'volumesnapshot', 'snap1'], '{.status.readyToUse}', 'true');
    const table = await c.ok(['get', 'volumesnapshot', 'snap1']);
    expect(table.split('\n')[0]).to.match(
      /^NAME\s+READYTOUSE\s+SOURCEPVC\s+SOURCESNAPSHOTCONTENT\s+RESTORESIZE\s+SNAPSHOTCLASS\s+SNAPSHOTCONTENT\s+CREATIONTIME\s+AGE/,
    );
    expect(table).to.match(/snap1\s+true\s+data\s+7\s+hostpath\s+snapcontent-[0-9a-f-]+\s/);

    // More data after the snapshot.
    await c.ok(['delete', 'pod', 'writer', '--grace-period=1']);
    await c.ok(
      ['apply', '-f', '-'],
      pod('writer2', 'data', 'echo after > /data/b.txt; echo again > /data/a.txt; echo written'),
    );
    expect(await logsOf('writer2', /written/)).to.include('written');
    await c.ok(['delete', 'pod', 'writer2', '--grace-period=1']);

    await c.ok(
      ['apply', '-f', '-'],
      claim('restored', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap1' }),
    );
    await c.waitJsonpath(['get', 'pvc', 'restored'], '{.status.phase}', 'Bound');
    await c.ok(['apply', '-f', '-'], pod('reader', 'restored', 'ls /data; cat /data/a.txt; echo END'));
    expect((await logsOf('reader', /END/)).trim().split('\n')).to.deep.equal(['a.txt', 'before', 'END']);

    await c.ok(['apply', '-f', '-'], claim('clone', { kind: 'PersistentVolumeClaim', name: 'data' }));
    await c.waitJsonpath(['get', 'pvc', 'clone'], '{.status.phase}', 'Bound');
    await c.ok(['apply', '-f', '-'], pod('cloner', 'clone', 'ls /data; cat /data/a.txt; echo END'));
    expect((await logsOf('cloner', /END/)).trim().split('\n')).to.deep.equal(['a.txt', 'b.txt', 'again', 'END']);

    const content = await c.ok([
      'get',
      'volumesnapshot',
      'snap1',
      '-o',
      'jsonpath={.status.boundVolumeSnapshotContentName}',
    ]);
    await c.ok(['delete', 'volumesnapshot', 'snap1', '--timeout=60s']);
    expect(content).to.match(/^snapcontent-/);
    await c.waitJsonpath(
      ['get', 'volumesnapshotcontents'],
      '{.items[*].metadata.name}',
      new RegExp(`^(?![\\s\\S]*${content})`),
    );
  });
});
