/**
 * An external provisioner written with unmodified @kubernetes/client-node (an informer over all
 * claims, CoreV1Api.createPersistentVolume), as a client-node based provisioner would be, on a
 * real apiserver + etcd with an in-process controller-manager: it sees the claim annotated
 * `volume.kubernetes.io/storage-provisioner` by the PV controller, creates one PV pre-bound by
 * claimRef, and the claim binds to it exactly once.
 */
import { expect } from 'chai';
import type { CoreV1Api, Informer, ObjectCache, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { claim, type InProcessControllerManager, startControllerManager, waitClaimPhase, waitUntil } from './helpers';

const Provisioner = 'example.com/client-node';

describe('controller-manager (in-process) on a real apiserver: a @kubernetes/client-node external provisioner', function () {
  this.timeout(60_000);
  const ns = 'cn-provisioner';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let informer: (Informer<V1PersistentVolumeClaim> & ObjectCache<V1PersistentVolumeClaim>) | undefined;
  const attempts: string[] = [];
  const errors: unknown[] = [];

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await waitUntil(async () => (await client.storageClasses.list()).items.length >= 2, 20_000, 'built-in classes');
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'it', server: api.url, skipTLSVerify: true }],
      users: [{ name: 'it' }],
      contexts: [{ name: 'it', cluster: 'it', user: 'it' }],
      currentContext: 'it',
    });
    const core: CoreV1Api = kc.makeApiClient(k8s.CoreV1Api);
    const handled = new Set<string>();
    const provision = async (c: V1PersistentVolumeClaim) => {
      const uid = c.metadata?.uid ?? '';
      if (c.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'] !== Provisioner) return;
      if (c.spec?.volumeName || handled.has(uid)) return;
      handled.add(uid);
      attempts.push(`pvc-${uid}`);
      await core.createPersistentVolume({
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `pvc-${uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': Provisioner } },
          spec: {
            capacity: { storage: c.spec?.resources?.requests?.storage ?? '1Gi' },
            accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'],
            hostPath: { path: `/tmp/kubestore-cn-provisioner/${uid}` },
            storageClassName: c.spec?.storageClassName ?? '',
            persistentVolumeReclaimPolicy: 'Retain',
            claimRef: {
              kind: 'PersistentVolumeClaim',
              apiVersion: 'v1',
              namespace: c.metadata?.namespace ?? '',
              name: c.metadata?.name ?? '',
              uid,
            },
          },
        },
      });
    };
    const onClaim = (c: V1PersistentVolumeClaim) => {
      provision(c).catch((err: unknown) => errors.push(err));
    };
    informer = k8s.makeInformer(kc, '/api/v1/persistentvolumeclaims', () =>
      core.listPersistentVolumeClaimForAllNamespaces(),
    );
    informer.on('add', onClaim);
    informer.on('update', onClaim);
    informer.on('error', (err: unknown) => errors.push(err));
    await informer.start();
  });

  after(async () => {
    await informer?.stop();
    await cm?.stop();
    client?.close();
    await api?.stop();
  });

  it('the client-node provisioner provisions the announced claim once and the PV controller binds it', async () => {
    await client.storageClasses.create({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'cn' },
      provisioner: Provisioner,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    await client.persistentVolumeClaims.create(claim(ns, 'data', { className: 'cn', size: '3Mi' }));
    const bound = await waitClaimPhase(client, ns, 'data', 'Bound');
    const pvName = `pvc-${bound.metadata.uid ?? ''}`;
    expect(bound.spec.volumeName).to.equal(pvName);
    expect(bound.status?.capacity?.storage).to.equal('3Mi');
    const pv = await client.persistentVolumes.get(pvName);
    expect([pv.status?.phase, pv.spec.claimRef?.uid]).to.deep.equal(['Bound', bound.metadata.uid]);
    expect(attempts).to.deep.equal([pvName]);
    expect(errors).to.deep.equal([]);
    const all = (await client.persistentVolumes.list()).items.map((v) => v.metadata.name);
    expect(all).to.deep.equal([pvName]);
  });
});
