import { expect } from 'chai';
import { openWatch, request } from '../../helpers/http';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import { pv, pvc, pvcPath, pvPath } from './fixtures';

type Obj = {
  metadata: Record<string, unknown> & { resourceVersion?: string; name?: string };
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
};
type List = { metadata: { resourceVersion: string; continue?: string }; items: Obj[] };

describe('apiserver: CRUD semantics over etcd', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  it('creates with server-owned metadata and resourceVersion = etcd mod_revision', async () => {
    const res = await request<Obj>(api.url, 'POST', pvcPath('default'), pvc('crud-a'));
    expect(res.status).to.equal(201);
    const m = res.body.metadata;
    expect(m.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(m.creationTimestamp).to.match(/Z$/);
    expect(m.generation).to.equal(1);
    expect(res.body.status).to.deep.equal({ phase: 'Pending' });
    const raw = await api.etcd.get(`${api.prefix}/persistentvolumeclaims/default/crud-a`);
    expect(raw.metadata.resourceVersion).to.equal(m.resourceVersion);
    const got = await request<Obj>(api.url, 'GET', pvcPath('default', 'crud-a'));
    expect(got.body.metadata.resourceVersion).to.equal(m.resourceVersion);
  });

  it('rejects a duplicate create with 409 AlreadyExists', async () => {
    const res = await request(api.url, 'POST', pvcPath('default'), pvc('crud-a'));
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
  });

  it('serves the seed endpoints: POST with the name in the path, and 400 when the body names another', async () => {
    const ok = await request<Obj>(api.url, 'POST', pvcPath('default', 'seed-named'), { ...pvc(''), metadata: {} });
    expect(ok.status).to.equal(201);
    expect(ok.body.metadata.name).to.equal('seed-named');
    const okPv = await request<Obj>(api.url, 'POST', pvPath('seed-pv'), pv(''));
    expect(okPv.status).to.equal(201);
    const bad = await request(api.url, 'POST', pvcPath('default', 'seed-x'), pvc('seed-y'));
    expect(bad.status).to.equal(400);
  });

  it('a no-op update writes nothing and keeps the resourceVersion', async () => {
    const cur = (await request<Obj>(api.url, 'GET', pvcPath('default', 'crud-a'))).body;
    const before = await api.etcd.currentRevision();
    const res = await request<Obj>(api.url, 'PUT', pvcPath('default', 'crud-a'), cur);
    expect(res.status).to.equal(200);
    expect(res.body.metadata.resourceVersion).to.equal(cur.metadata.resourceVersion);
    expect(await api.etcd.currentRevision()).to.equal(before);
  });

  it('a stale resourceVersion on PUT is a 409 Conflict', async () => {
    const cur = (await request<Obj>(api.url, 'GET', pvcPath('default', 'crud-a'))).body;
    const changed = { ...cur, metadata: { ...cur.metadata, labels: { a: '1' } } };
    expect((await request(api.url, 'PUT', pvcPath('default', 'crud-a'), changed)).status).to.equal(200);
    const stale = await request(api.url, 'PUT', pvcPath('default', 'crud-a'), {
      ...cur,
      metadata: { ...cur.metadata, labels: { a: '2' } },
    });
    expect(stale.status).to.equal(409);
    expect(stale.body).to.include({ reason: 'Conflict' });
  });

  it('the main resource ignores status; /status changes only status; generation follows spec', async () => {
    const cur = (await request<Obj>(api.url, 'GET', pvPath('seed-pv'))).body;
    const viaMain = await request<Obj>(api.url, 'PUT', pvPath('seed-pv'), { ...cur, status: { phase: 'Bound' } });
    expect(viaMain.body.status?.phase).to.equal('Pending');
    expect(viaMain.body.metadata.generation).to.equal(1);
    const viaStatus = await request<Obj>(api.url, 'PUT', `${pvPath('seed-pv')}/status`, {
      ...viaMain.body,
      status: { phase: 'Available' },
      metadata: { ...viaMain.body.metadata, labels: { x: 'y' } },
    });
    expect(viaStatus.status).to.equal(200);
    expect(viaStatus.body.status?.phase).to.equal('Available');
    expect(viaStatus.body.metadata.labels).to.equal(undefined);
    const grown = await request<Obj>(api.url, 'PUT', pvPath('seed-pv'), {
      ...viaStatus.body,
      spec: { ...viaStatus.body.spec, capacity: { storage: '2Gi' } },
    });
    expect(grown.status).to.equal(200);
    expect(grown.body.metadata.generation).to.equal(2);
  });

  it('lists across namespaces with the read revision, and pages form one snapshot', async () => {
    await request(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'pages' } });
    await request(api.url, 'POST', pvcPath('default'), pvc('in-default'));
    for (let i = 0; i < 25; i++)
      await request(api.url, 'POST', pvcPath('pages'), pvc(`p-${String(i).padStart(2, '0')}`));
    const first = (await request<List>(api.url, 'GET', `${pvcPath('pages')}?limit=10`)).body;
    expect(first.items).to.have.length(10);
    expect(first.metadata.continue).to.be.a('string');
    // Changes between pages must not show up in later pages of the same list.
    await request(api.url, 'DELETE', pvcPath('pages', 'p-15'));
    await request(api.url, 'POST', pvcPath('pages'), pvc('p-99'));
    const second = (
      await request<List>(
        api.url,
        'GET',
        `${pvcPath('pages')}?limit=10&continue=${encodeURIComponent(first.metadata.continue ?? '')}`,
      )
    ).body;
    const third = (
      await request<List>(
        api.url,
        'GET',
        `${pvcPath('pages')}?limit=10&continue=${encodeURIComponent(second.metadata.continue ?? '')}`,
      )
    ).body;
    const names = [...first.items, ...second.items, ...third.items].map((o) => o.metadata.name);
    expect(names).to.have.length(25);
    expect(names).to.include('p-15');
    expect(names).not.to.include('p-99');
    expect(third.metadata.continue).to.equal(undefined);
    const all = (await request<List>(api.url, 'GET', '/api/v1/persistentvolumeclaims')).body;
    expect(Number(all.metadata.resourceVersion)).to.be.greaterThan(0);
    expect(all.items.map((o) => o.metadata.namespace)).to.include.members(['default', 'pages']);
  });

  it('serves resourceVersion=0 ("any version") lists whole from the watch cache, watchable from their revision', async () => {
    // Its own namespace and claims, so it stands alone under --grep.
    await request(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'anyversion' } });
    for (const n of ['c1', 'c2', 'c3']) await request(api.url, 'POST', pvcPath('anyversion'), pvc(n));
    const fromEtcd = (await request<List>(api.url, 'GET', pvcPath('anyversion'))).body;
    expect(fromEtcd.items).to.have.length(3);
    let cached: List | undefined;
    // The cache may trail etcd by a moment: wait until it has caught up with this read.
    await waitFor(
      async () => {
        cached = (await request<List>(api.url, 'GET', `${pvcPath('anyversion')}?resourceVersion=0&limit=5`)).body;
        return cached.items.length === fromEtcd.items.length;
      },
      30_000,
      'the watch cache to hold the three claims',
    );
    expect(cached?.metadata.continue).to.equal(undefined);
    expect(cached?.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).to.deep.equal(
      fromEtcd.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`),
    );
    const w = await openWatch(
      api.url,
      `${pvcPath('anyversion')}?resourceVersion=${cached?.metadata.resourceVersion ?? ''}`,
    );
    await request(api.url, 'POST', pvcPath('anyversion'), pvc('after-cached-list'));
    await w.waitFor(1);
    expect(w.events[0]?.object.metadata?.name).to.equal('after-cached-list');
    w.close();
  });

  it('filters by label selector (=, !=, in, notin, exists) and field selector', async () => {
    const mk = (name: string, labels: Record<string, string>) =>
      request(api.url, 'POST', pvcPath('default'), { ...pvc(name), metadata: { name, labels } });
    await mk('sel-1', { tier: 'gold', app: 'a' });
    await mk('sel-2', { tier: 'silver', app: 'b' });
    await mk('sel-3', { app: 'c' });
    const names = async (q: string) =>
      (await request<List>(api.url, 'GET', `${pvcPath('default')}?${q}`)).body.items
        .map((o) => o.metadata.name)
        .filter((n) => String(n).startsWith('sel-'))
        .sort();
    expect(await names('labelSelector=tier%3Dgold')).to.deep.equal(['sel-1']);
    expect(await names('labelSelector=tier!%3Dgold')).to.deep.equal(['sel-2', 'sel-3']);
    expect(await names('labelSelector=tier%20in%20(gold,silver)')).to.deep.equal(['sel-1', 'sel-2']);
    expect(await names('labelSelector=tier%20notin%20(gold)')).to.deep.equal(['sel-2', 'sel-3']);
    expect(await names('labelSelector=tier')).to.deep.equal(['sel-1', 'sel-2']);
    expect(await names('labelSelector=!tier')).to.deep.equal(['sel-3']);
    expect(await names('fieldSelector=metadata.name%3Dsel-2')).to.deep.equal(['sel-2']);
    expect(await names('fieldSelector=status.phase%3DPending,metadata.name!%3Dsel-2')).to.include('sel-1');
    const bad = await request(api.url, 'GET', `${pvcPath('default')}?fieldSelector=spec.nope%3D1`);
    expect(bad.status).to.equal(400);
  });

  it('deletes honour uid and resourceVersion preconditions', async () => {
    await request(api.url, 'POST', pvcPath('default'), pvc('del-pre'));
    const wrong = await request(api.url, 'DELETE', pvcPath('default', 'del-pre'), { preconditions: { uid: 'nope' } });
    expect(wrong.status).to.equal(409);
    const cur = (await request<Obj>(api.url, 'GET', pvcPath('default', 'del-pre'))).body;
    const ok = await request(api.url, 'DELETE', pvcPath('default', 'del-pre'), {
      preconditions: { uid: cur.metadata.uid, resourceVersion: cur.metadata.resourceVersion },
    });
    expect(ok.status).to.equal(200);
    expect((await request(api.url, 'GET', pvcPath('default', 'del-pre'))).status).to.equal(404);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    await request(api.url, 'POST', pvcPath('default'), {
      ...pvc('fin'),
      metadata: { name: 'fin', finalizers: ['example.com/hold'] },
    });
    const del = await request<Obj>(api.url, 'DELETE', pvcPath('default', 'fin'));
    expect(del.status).to.equal(200); // as kube-apiserver: 200 with the marked object
    expect(del.body.metadata.deletionTimestamp).to.be.a('string');
    await request(api.url, 'POST', pvcPath('default'), {
      ...pvc('fin-202'),
      metadata: { name: 'fin-202', finalizers: ['example.com/hold'] },
    });
    expect(
      (await request(api.url, 'DELETE', pvcPath('default', 'fin-202'), { orphanDependents: false })).status,
    ).to.equal(202);
    const held = await request<Obj>(api.url, 'GET', pvcPath('default', 'fin'));
    expect(held.body.metadata.deletionTimestamp).to.be.a('string');
    const patch = await request(
      api.url,
      'PATCH',
      pvcPath('default', 'fin'),
      { metadata: { finalizers: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(patch.status).to.equal(200);
    expect((await request(api.url, 'GET', pvcPath('default', 'fin'))).status).to.equal(404);
  });

  it('deletes a pod on no node at once, and a pod on a node gracefully until its kubelet confirms', async () => {
    const pod = (name: string, nodeName?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox:latest' }] },
    });
    await request(api.url, 'POST', '/api/v1/namespaces/default/pods', pod('unsched'));
    expect((await request(api.url, 'DELETE', '/api/v1/namespaces/default/pods/unsched')).status).to.equal(200);
    expect((await request(api.url, 'GET', '/api/v1/namespaces/default/pods/unsched')).status).to.equal(404);
    await request(api.url, 'POST', '/api/v1/namespaces/default/pods', pod('onnode', 'n1'));
    expect((await request(api.url, 'DELETE', '/api/v1/namespaces/default/pods/onnode')).status).to.equal(200);
    const marked = await request<Obj>(api.url, 'GET', '/api/v1/namespaces/default/pods/onnode');
    expect(marked.body.metadata.deletionGracePeriodSeconds).to.equal(30);
    expect(
      (await request(api.url, 'DELETE', '/api/v1/namespaces/default/pods/onnode', { gracePeriodSeconds: 0 })).status,
    ).to.equal(200);
    expect((await request(api.url, 'GET', '/api/v1/namespaces/default/pods/onnode')).status).to.equal(404);
  });

  it('binds a pod to a node through pods/binding, once', async () => {
    await request(api.url, 'POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'tobind' },
      spec: { containers: [{ name: 'c', image: 'busybox:latest' }] },
    });
    const b = await request(api.url, 'POST', '/api/v1/namespaces/default/pods/tobind/binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'tobind' },
      target: { kind: 'Node', name: 'n1' },
    });
    expect(b.status).to.equal(201);
    const got = await request<Obj>(api.url, 'GET', '/api/v1/namespaces/default/pods/tobind');
    expect(got.body.spec?.nodeName).to.equal('n1');
    const again = await request(api.url, 'POST', '/api/v1/namespaces/default/pods/tobind/binding', {
      target: { kind: 'Node', name: 'n2' },
    });
    expect(again.status).to.equal(409);
  });

  it('generates names from generateName', async () => {
    const res = await request<Obj>(api.url, 'POST', pvcPath('default'), {
      ...pvc(''),
      metadata: { generateName: 'gen-' },
    });
    expect(res.status).to.equal(201);
    expect(res.body.metadata.name).to.match(/^gen-[a-z0-9]{5}$/);
  });

  it('accepts YAML bodies', async () => {
    const yaml =
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: from-yaml\nspec:\n  storageClassName: nfs\n  resources:\n    requests:\n      storage: 1Gi\n';
    const res = await request<Obj>(api.url, 'POST', pvcPath('default'), yaml, { 'Content-Type': 'application/yaml' });
    expect(res.status).to.equal(201);
    expect(res.body.spec?.accessModes).to.deep.equal(['ReadWriteOnce']);
  });

  it('supports json-patch and merge-patch', async () => {
    const j = await request<Obj>(
      api.url,
      'PATCH',
      pvcPath('default', 'from-yaml'),
      [{ op: 'add', path: '/metadata/labels', value: { k: 'v' } }],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(j.status).to.equal(200);
    expect(j.body.metadata.labels).to.deep.equal({ k: 'v' });
    const m = await request<Obj>(
      api.url,
      'PATCH',
      pvcPath('default', 'from-yaml'),
      { metadata: { labels: { k: null, z: '1' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(m.body.metadata.labels).to.deep.equal({ z: '1' });
    const failedTest = await request(
      api.url,
      'PATCH',
      pvcPath('default', 'from-yaml'),
      [{ op: 'test', path: '/metadata/name', value: 'other' }],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(failedTest.status).to.equal(422);
  });

  it('deletecollection removes what the selector selects', async () => {
    await request(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'dc' } });
    for (const n of ['a', 'b', 'c'])
      await request(api.url, 'POST', pvcPath('dc'), {
        ...pvc(n),
        metadata: { name: n, labels: { drop: n === 'c' ? 'no' : 'yes' } },
      });
    const res = await request(api.url, 'DELETE', `${pvcPath('dc')}?labelSelector=drop%3Dyes`);
    expect(res.status).to.equal(200);
    const left = (await request<List>(api.url, 'GET', pvcPath('dc'))).body.items.map((o) => o.metadata.name);
    expect(left).to.deep.equal(['c']);
  });
});

describe('apiserver: StorageObjectInUseProtection admission', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer({ protection: true });
  });
  after(async () => api.stop());

  it('adds the protection finalizer to new claims and volumes, so a delete only marks them', async () => {
    const claim = await request<Obj>(api.url, 'POST', pvcPath('default'), pvc('protected'));
    expect(claim.body.metadata.finalizers).to.deep.equal(['kubernetes.io/pvc-protection']);
    const volume = await request<Obj>(api.url, 'POST', pvPath(), pv('protected-pv'));
    expect(volume.body.metadata.finalizers).to.deep.equal(['kubernetes.io/pv-protection']);
    expect((await request(api.url, 'DELETE', pvcPath('default', 'protected'))).status).to.equal(200);
    expect(
      (await request<Obj>(api.url, 'GET', pvcPath('default', 'protected'))).body.metadata.deletionTimestamp,
    ).to.be.a('string');
    const other = await request<Obj>(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'not-protected' } });
    expect(other.body.metadata.finalizers).to.equal(undefined);
  });
});
