/**
 * The StatefulSet controller on a real apiserver + etcd (controller-manager and a fake-runtime
 * kubelet in-process) against objects a user made first: a pod named web-1 that another
 * controller owns is not adopted — the set reports FailedCreate and, OrderedReady, goes no
 * further — and once it is deleted the set makes its own web-1 and web-2 (the conflict was
 * retried, not forgotten); a claim data-web-0 made beforehand (another class) is the one web-0
 * mounts, not replaced.
 */
import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Clientset } from '../../../pkg/client/clientset';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import { type InProcessKubelet, startKubelet } from '../volume/helpers';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitEvent,
  waitUntil,
  webStatefulSet,
  isReadyPod,
} from './helpers';

const ns = 'sts-hostile';

describe('statefulset controller against objects a user made first (apiserver + etcd)', function () {
  this.timeout(90_000);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let kubelet: InProcessKubelet | undefined;
  let tmp: string;

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-sts-hostile-')));
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm') });
    kubelet = startKubelet({
      url: api.url,
      rootDir: path.join(tmp, 'kubelet'),
      runtime: new FakeRuntime({ images: ['busybox'] }),
      drivers: testNodeDrivers(new FakeMounter(), { nfs: { exportRoot: path.join(tmp, 'nfs') } }),
    });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    await kubelet?.stop();
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves a web-1 another controller owns, reports it, and takes the name once it is free', async () => {
    const foreign = await client.pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: ns,
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs', controller: true }],
      },
      spec: { containers: [{ name: 'c', image: 'busybox:latest', command: ['sleep', '3600'] }] },
    });
    const mine = await client.persistentVolumeClaims.create(claim(ns, 'data-web-0', { className: 'nfs' }));
    await client.statefulSets.create(webStatefulSet(ns, 3));
    const event = await waitEvent(client, ns, 'web', 'FailedCreate', 30_000);
    expect(event.message).to.match(/create Pod web-1 in StatefulSet web failed error: .*already exists/);
    const p1 = await client.pods.get('web-1', ns);
    expect(p1.metadata.uid).to.equal(foreign.metadata.uid);
    expect(p1.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal(['uid-rs']);
    expect((await client.pods.list(ns)).items.map((p) => p.metadata.name).sort()).to.deep.equal(['web-0', 'web-1']);
    const web0 = await client.pods.get('web-0', ns);
    expect(web0.spec.volumes?.[0]?.persistentVolumeClaim?.claimName).to.equal('data-web-0');
    expect((await client.persistentVolumeClaims.get('data-web-0', ns)).metadata.uid).to.equal(mine.metadata.uid);

    await client.pods.delete('web-1', ns, { gracePeriodSeconds: 0 });
    await waitUntil(
      async (note) => {
        const pods = (await client.pods.list(ns)).items;
        note(
          pods.map((p) => `${p.metadata.name}:${p.metadata.ownerReferences?.[0]?.kind ?? '-'}:${isReadyPod(p)}`).join(),
        );
        return (
          pods.length === 3 &&
          pods.every((p) => isReadyPod(p) && p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet')
        );
      },
      60_000,
      'the set to make its own web-1 and web-2',
    );
  });
});
