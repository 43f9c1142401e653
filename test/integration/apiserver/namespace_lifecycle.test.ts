/**
 * Namespace lifecycle in the apiserver (no controller runs here): a DELETE only marks a
 * namespace Terminating while spec.finalizers hold it, nothing new may be created in it,
 * namespaces/finalize is the only way to change spec.finalizers and removes the namespace once
 * they are gone, and the system's own namespaces cannot be deleted.
 */
import { expect } from 'chai';
import { request } from '../../helpers/http';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { pvc, pvcPath } from './fixtures';

type Ns = {
  metadata: { name?: string; resourceVersion?: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
};
type Status = {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
};

const nsPath = (name = ''): string => `/api/v1/namespaces${name ? `/${name}` : ''}`;

describe('apiserver: namespace lifecycle', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  const create = async (name: string, spec?: Ns['spec']): Promise<Ns> => {
    const res = await request<Ns>(api.url, 'POST', nsPath(), { metadata: { name }, ...(spec ? { spec } : {}) });
    expect(res.status).to.equal(201);
    return res.body;
  };

  it('a new namespace is Active with the kubernetes finalizer and its name label', async () => {
    const ns = await create('life-new');
    expect(ns.status?.phase).to.equal('Active');
    expect(ns.spec?.finalizers).to.deep.equal(['kubernetes']);
    expect(ns.metadata.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'life-new' });
    const selected = await request<{ items: Ns[] }>(
      api.url,
      'GET',
      `${nsPath()}?labelSelector=kubernetes.io/metadata.name%3Dlife-new`,
    );
    expect(selected.body.items.map((n) => n.metadata.name)).to.deep.equal(['life-new']);
  });

  it('DELETE marks it Terminating and keeps it; creating content in it is then 403 NamespaceTerminating', async () => {
    await create('life-del');
    expect((await request(api.url, 'POST', pvcPath('life-del'), pvc('before'))).status).to.equal(201);
    const del = await request<Ns>(api.url, 'DELETE', nsPath('life-del'));
    expect(del.status).to.equal(200);
    expect(del.body.status?.phase).to.equal('Terminating');
    const got = await request<Ns>(api.url, 'GET', nsPath('life-del'));
    expect(got.status).to.equal(200);
    expect(got.body.metadata.deletionTimestamp).to.be.a('string');
    expect(got.body.status?.phase).to.equal('Terminating');

    const refused = await request<Status>(api.url, 'POST', pvcPath('life-del'), pvc('after'));
    expect(refused.status).to.equal(403);
    expect(refused.body).to.include({ kind: 'Status', code: 403, reason: 'Forbidden' });
    expect(refused.body.message).to.equal(
      'persistentvolumeclaims "after" is forbidden: unable to create new content in namespace life-del because it is being terminated',
    );
    expect(refused.body.details?.causes?.[0]).to.deep.equal({
      reason: 'NamespaceTerminating',
      message: 'namespace life-del is being terminated',
      field: 'metadata.namespace',
    });
    expect(
      await api.etcd
        .list(`${api.prefix}/persistentvolumeclaims/life-del/`)
        .then((l) => l.items.map((o) => o.metadata.name)),
    ).to.deep.equal(['before']);
    // Existing content can still be read, changed and deleted.
    expect((await request(api.url, 'DELETE', pvcPath('life-del', 'before'))).status).to.equal(200);

    // A second DELETE changes nothing.
    const rv = got.body.metadata.resourceVersion;
    const again = await request<Ns>(api.url, 'DELETE', nsPath('life-del'));
    expect(again.body.metadata.resourceVersion).to.equal(rv);
  });

  it('the phase of a terminating namespace cannot be set back to Active through /status', async () => {
    const cur = (await request<Ns>(api.url, 'GET', nsPath('life-del'))).body;
    const res = await request<Status>(api.url, 'PUT', nsPath('life-del/status'), {
      ...cur,
      status: { phase: 'Active' },
    });
    expect(res.status).to.equal(422);
    expect(res.body.message).to.contain(
      'status.phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty',
    );
  });

  it('spec.finalizers change only through /finalize: a PUT of the namespace keeps them', async () => {
    const cur = (await request<Ns>(api.url, 'GET', nsPath('life-new'))).body;
    const put = await request<Ns>(api.url, 'PUT', nsPath('life-new'), {
      ...cur,
      metadata: { ...cur.metadata, labels: { a: 'b' } },
      spec: { finalizers: [] },
    });
    expect(put.status).to.equal(200);
    expect(put.body.metadata.labels).to.deep.equal({ a: 'b', 'kubernetes.io/metadata.name': 'life-new' });
    expect(put.body.spec?.finalizers).to.deep.equal(['kubernetes']);
  });

  it('/finalize changes only spec.finalizers, and a stale resourceVersion is a 409', async () => {
    const cur = (await request<Ns>(api.url, 'GET', nsPath('life-new'))).body;
    const res = await request<Ns>(api.url, 'PUT', nsPath('life-new/finalize'), {
      ...cur,
      metadata: { ...cur.metadata, labels: { changed: 'no' } },
      spec: { finalizers: ['kubernetes', 'example.com/mine'] },
    });
    expect(res.status).to.equal(200);
    expect(res.body.spec?.finalizers).to.deep.equal(['kubernetes', 'example.com/mine']);
    expect(res.body.metadata.labels).to.deep.equal({ a: 'b', 'kubernetes.io/metadata.name': 'life-new' });
    const stale = await request(api.url, 'PUT', nsPath('life-new/finalize'), { ...cur, spec: { finalizers: [] } });
    expect(stale.status).to.equal(409);
    const bad = await request<Status>(api.url, 'PUT', nsPath('life-new/finalize'), {
      metadata: { name: 'life-new' },
      spec: { finalizers: ['not a name!'] },
    });
    expect(bad.status).to.equal(422);
  });

  it('/finalize is PUT only (GET, PATCH → 405), namespaces have no deletecollection (405), and discovery says both', async () => {
    expect((await request(api.url, 'GET', nsPath('life-new/finalize'))).status).to.equal(405);
    expect(
      (
        await request(
          api.url,
          'PATCH',
          nsPath('life-new/finalize'),
          {},
          { 'Content-Type': 'application/merge-patch+json' },
        )
      ).status,
    ).to.equal(405);
    expect((await request(api.url, 'DELETE', nsPath())).status).to.equal(405);
    expect((await request(api.url, 'GET', nsPath('life-new'))).status).to.equal(200);
    const list = (await request<{ resources: { name: string; verbs: string[] }[] }>(api.url, 'GET', '/api/v1')).body;
    expect(list.resources.find((r) => r.name === 'namespaces/finalize')?.verbs).to.deep.equal(['update']);
    expect(list.resources.find((r) => r.name === 'namespaces')?.verbs).to.not.include('deletecollection');
    expect(list.resources.find((r) => r.name === 'pods')?.verbs).to.include('deletecollection');
  });

  it('finalizing a terminating namespace (no finalizers left) removes it; other finalizers hold it until they go', async () => {
    await create('life-fin', { finalizers: ['kubernetes', 'example.com/other'] });
    await request(api.url, 'DELETE', nsPath('life-fin'));
    let cur = (await request<Ns>(api.url, 'GET', nsPath('life-fin'))).body;
    const first = await request<Ns>(api.url, 'PUT', nsPath('life-fin/finalize'), {
      ...cur,
      spec: { finalizers: ['example.com/other'] },
    });
    expect(first.status).to.equal(200);
    expect((await request(api.url, 'GET', nsPath('life-fin'))).status).to.equal(200);
    cur = first.body;
    expect(
      (await request(api.url, 'PUT', nsPath('life-fin/finalize'), { ...cur, spec: { finalizers: [] } })).status,
    ).to.equal(200);
    expect((await request(api.url, 'GET', nsPath('life-fin'))).status).to.equal(404);
  });

  it('every new namespace gets the kubernetes finalizer, whatever it asked for, so its DELETE always waits for the controller', async () => {
    expect((await create('life-bare', { finalizers: [] })).spec?.finalizers).to.deep.equal(['kubernetes']);
    expect((await create('life-custom', { finalizers: ['example.com/x'] })).spec?.finalizers).to.deep.equal([
      'example.com/x',
      'kubernetes',
    ]);
    const del = await request<Ns>(api.url, 'DELETE', nsPath('life-bare'));
    expect(del.status).to.equal(200);
    expect(del.body.status?.phase).to.equal('Terminating');
  });

  it('a dry-run DELETE answers the namespace as it would be marked, and writes nothing', async () => {
    const before = (await request<Ns>(api.url, 'GET', nsPath('life-custom'))).body;
    const dry = await request<Ns>(api.url, 'DELETE', `${nsPath('life-custom')}?dryRun=All`);
    expect(dry.status).to.equal(200);
    expect(dry.body.metadata.deletionTimestamp).to.be.a('string');
    expect(dry.body.status?.phase).to.equal('Terminating');
    const after = (await request<Ns>(api.url, 'GET', nsPath('life-custom'))).body;
    expect(after.metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
    expect(after.status?.phase).to.equal('Active');
  });

  it('kubectl create namespace: the protobuf body kubectl 1.32 sends creates it; protobuf to another resource or of another kind is refused', async () => {
    // Captured from `kubectl create namespace team-a` (Content-Type application/vnd.kubernetes.protobuf).
    const body = Buffer.from(
      '6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6112001a0022002a0032003800420012001a020a001a002200',
      'hex',
    );
    const proto = { 'Content-Type': 'application/vnd.kubernetes.protobuf' };
    const created = await request<Ns>(
      api.url,
      'POST',
      `${nsPath()}?fieldManager=kubectl-create&fieldValidation=Strict`,
      body,
      proto,
    );
    expect(created.status).to.equal(201);
    expect(created.body.metadata.name).to.equal('team-a');
    expect(created.body.spec?.finalizers).to.deep.equal(['kubernetes']);
    const toPods = await request<Status>(api.url, 'POST', '/api/v1/namespaces/default/pods', body, proto);
    expect(toPods.status).to.equal(400);
    expect(toPods.body.message).to.equal('the body is a Namespace, but the URL is for Pod');
    // DeleteOptions in protobuf: a 415 naming what is accepted, and nothing is deleted.
    const delOpts = Buffer.from([
      ...Buffer.from('k8s\0'),
      0x0a,
      0x13,
      0x0a,
      0x02,
      ...Buffer.from('v1'),
      0x12,
      0x0d,
      ...Buffer.from('DeleteOptions'),
    ]);
    const del = await request<Status>(api.url, 'DELETE', nsPath('team-a'), delOpts, proto);
    expect(del.status).to.equal(415);
    expect(del.body.message).to.contain('protobuf bodies are not accepted for v1/DeleteOptions');
    expect((await request<Ns>(api.url, 'GET', nsPath('team-a'))).body.metadata.deletionTimestamp).to.equal(undefined);
  });

  for (const name of ['default', 'kube-system', 'kube-public']) {
    it(`${name} cannot be deleted (403) and stays Active`, async () => {
      const res = await request<Status>(api.url, 'DELETE', nsPath(name));
      expect(res.status).to.equal(403);
      expect(res.body).to.include({
        reason: 'Forbidden',
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      });
      const got = await request<Ns>(api.url, 'GET', nsPath(name));
      expect(got.body.metadata.deletionTimestamp).to.equal(undefined);
      expect(got.body.status?.phase).to.equal('Active');
    });
  }
});
