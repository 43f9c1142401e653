/**
 * apps/v1 StatefulSets and ControllerRevisions served over a real etcd: discovery (with
 * statefulsets/scale as autoscaling/v1 Scale), create with defaults, 422s, the update rules and
 * generation, /status, the scale subresource (GET/PUT/PATCH, 409 on a stale Scale), watch; and
 * RBAC on a secure server: view reads but may not scale (403), edit scales, the
 * controller-manager writes status and revisions.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { Users } from '../../../pkg/apiserver/authentication/user';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { openWatch, request } from '../../helpers/http';
import { SecureTestServer } from '../auth/support';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; resourceVersion?: string; generation?: number; namespace?: string };
  spec: Record<string, unknown> & { replicas?: number };
  status?: Record<string, unknown>;
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; reason?: string }[] };
};

const apps = '/apis/apps/v1';
const stsPath = (ns: string, name = '', sub = '') =>
  `${apps}/namespaces/${ns}/statefulsets${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;

function statefulSet(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: name,
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image: 'busybox:latest', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } },
        },
      ],
      ...extra,
    },
  };
}

describe('apiserver: StatefulSets and ControllerRevisions over etcd', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  it('discovery lists statefulsets (sts, category all), statefulsets/status and statefulsets/scale as autoscaling/v1 Scale', async () => {
    const res = await request<{ resources: Record<string, unknown>[] }>(api.url, 'GET', apps);
    const byName = new Map(res.body.resources.map((r) => [r.name, r]));
    expect(byName.get('statefulsets')).to.deep.include({
      kind: 'StatefulSet',
      namespaced: true,
      shortNames: ['sts'],
      categories: ['all'],
    });
    expect(byName.get('statefulsets/scale')).to.deep.include({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    expect(byName.get('statefulsets/status')).to.deep.include({ kind: 'StatefulSet' });
    expect(byName.get('controllerrevisions')).to.deep.include({ kind: 'ControllerRevision', namespaced: true });
    const groups = await request<{ groups: { name: string }[] }>(api.url, 'GET', '/apis');
    expect(groups.body.groups.map((g) => g.name)).to.include('apps');
  });

  it('create stores the defaulted set with generation 1 and an empty status', async () => {
    const res = await request<Obj>(api.url, 'POST', stsPath('default'), {
      ...statefulSet('web'),
      status: { replicas: 5 },
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.metadata.generation).to.equal(1);
    expect(res.body.spec).to.deep.include({ podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 });
    expect(res.body.status).to.deep.equal({ replicas: 0, availableReplicas: 0 });
    const raw = await api.etcd.get(`${api.prefix}/statefulsets/default/web`);
    expect(raw.metadata.resourceVersion).to.equal(res.body.metadata.resourceVersion);
  });

  it('an invalid set is a 422 naming each field', async () => {
    const bad = statefulSet('bad', { replicas: -1, selector: { matchLabels: { app: 'other' } } });
    const res = await request<Obj>(api.url, 'POST', stsPath('default'), bad);
    expect(res.status).to.equal(422);
    expect(res.body.reason).to.equal('Invalid');
    expect(res.body.details?.causes?.map((c) => c.field)).to.deep.equal([
      'spec.replicas',
      'spec.template.metadata.labels',
    ]);
  });

  it('PUT: a template change bumps generation; changing podManagementPolicy is 422 Forbidden; a stale resourceVersion is 409', async () => {
    const cur = (await request<Obj>(api.url, 'GET', stsPath('default', 'web'))).body;
    const template = structuredClone(cur.spec.template) as { spec: { containers: { image: string }[] } };
    const c = template.spec.containers[0];
    if (c) c.image = 'busybox:v2';
    const updated = await request<Obj>(api.url, 'PUT', stsPath('default', 'web'), {
      ...cur,
      spec: { ...cur.spec, template },
    });
    expect(updated.status, updated.text).to.equal(200);
    expect(updated.body.metadata.generation).to.equal(2);

    const forbidden = await request<Obj>(api.url, 'PUT', stsPath('default', 'web'), {
      ...updated.body,
      spec: { ...updated.body.spec, podManagementPolicy: 'Parallel' },
    });
    expect(forbidden.status).to.equal(422);
    expect(forbidden.body.message).to.contain('spec: Forbidden: updates to statefulset spec for fields other than');

    const stale = await request<Obj>(api.url, 'PUT', stsPath('default', 'web'), {
      ...cur,
      spec: { ...cur.spec, replicas: 4 },
    });
    expect(stale.status).to.equal(409);
    expect(stale.body.reason).to.equal('Conflict');
  });

  it('/status writes status only; the main resource cannot write status', async () => {
    const cur = (await request<Obj>(api.url, 'GET', stsPath('default', 'web'))).body;
    const st = await request<Obj>(api.url, 'PUT', stsPath('default', 'web', 'status'), {
      ...cur,
      spec: { ...cur.spec, replicas: 9 },
      status: { replicas: 3, readyReplicas: 1, observedGeneration: 2 },
    });
    expect(st.status, st.text).to.equal(200);
    expect(st.body.spec.replicas).to.equal(3);
    expect(st.body.status).to.deep.equal({ replicas: 3, readyReplicas: 1, observedGeneration: 2 });
    const main = await request<Obj>(api.url, 'PUT', stsPath('default', 'web'), { ...st.body, status: { replicas: 0 } });
    expect(main.body.status).to.deep.equal({ replicas: 3, readyReplicas: 1, observedGeneration: 2 });
    const bad = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('default', 'web', 'status'),
      { status: { readyReplicas: 7 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(bad.status).to.equal(422);
  });

  it('scale: GET reads, PATCH and PUT write spec.replicas (generation bumps), a stale Scale is 409, replicas < 0 is 422', async () => {
    const got = await request<Obj>(api.url, 'GET', stsPath('default', 'web', 'scale'));
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.include({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 } });
    expect(got.body.status).to.deep.equal({ replicas: 3, selector: 'app=web' });

    const patched = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('default', 'web', 'scale'),
      { spec: { replicas: 5 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(patched.status, patched.text).to.equal(200);
    expect(patched.body.spec.replicas).to.equal(5);
    const sts = (await request<Obj>(api.url, 'GET', stsPath('default', 'web'))).body;
    expect(sts.spec.replicas).to.equal(5);
    expect(sts.metadata.generation).to.equal(3);
    expect(patched.body.metadata.resourceVersion).to.equal(sts.metadata.resourceVersion);

    const put = await request<Obj>(api.url, 'PUT', stsPath('default', 'web', 'scale'), {
      ...patched.body,
      spec: { replicas: 1 },
    });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.spec.replicas).to.equal(1);

    const stale = await request<Obj>(api.url, 'PUT', stsPath('default', 'web', 'scale'), {
      ...patched.body,
      spec: { replicas: 7 },
    });
    expect(stale.status).to.equal(409);
    const jsonPatch = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('default', 'web', 'scale'),
      [{ op: 'replace', path: '/spec/replicas', value: -2 }],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(jsonPatch.status).to.equal(422);
    expect(jsonPatch.body.message).to.contain('spec.replicas: Invalid value: -2: must be greater than or equal to 0');
    expect((await request<Obj>(api.url, 'GET', stsPath('default', 'web'))).body.spec.replicas).to.equal(1);
    const missing = await request<Obj>(api.url, 'GET', stsPath('default', 'nope', 'scale'));
    expect(missing.status).to.equal(404);
  });

  it('a watch sees the set created, scaled and deleted', async () => {
    const w = await openWatch(api.url, `${stsPath('default')}?fieldSelector=metadata.name%3Dwatched`);
    try {
      expect((await request(api.url, 'POST', stsPath('default'), statefulSet('watched'))).status).to.equal(201);
      await w.waitFor(1);
      await request(
        api.url,
        'PATCH',
        stsPath('default', 'watched', 'scale'),
        { spec: { replicas: 0 } },
        {
          'Content-Type': 'application/merge-patch+json',
        },
      );
      await w.waitFor(2);
      expect((await request(api.url, 'DELETE', stsPath('default', 'watched'))).status).to.equal(200);
      await w.waitFor(3);
      expect(w.events.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
      expect((w.events[1]?.object as Obj | undefined)?.spec.replicas).to.equal(0);
    } finally {
      w.close();
    }
  });

  it('controller revisions: created, data immutable (422), revision renumbered; printed NAME CONTROLLER REVISION AGE', async () => {
    const path = `${apps}/namespaces/default/controllerrevisions`;
    const rev = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'web-1',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-1', controller: true }],
      },
      data: { spec: { template: { metadata: { labels: { app: 'web' } } } } },
      revision: 1,
    };
    expect((await request(api.url, 'POST', path, rev)).status).to.equal(201);
    const immut = await request<Obj>(
      api.url,
      'PATCH',
      `${path}/web-1`,
      { data: { spec: { replicas: 1 } } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(immut.status).to.equal(422);
    const renum = await request<{ revision: number }>(
      api.url,
      'PATCH',
      `${path}/web-1`,
      { revision: 2 },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(renum.body.revision).to.equal(2);
    const table = await request<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>(
      api.url,
      'GET',
      path,
      undefined,
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    );
    expect(table.body.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Controller', 'Revision', 'Age']);
    expect(table.body.rows[0]?.cells.slice(0, 3)).to.deep.equal(['web-1', 'statefulset.apps/web', 2]);
  });
});

describe('apiserver: RBAC for StatefulSets', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.RBAC] });
    const plain = (method: string, path: string, body?: unknown) => request(s.api.url, method, path, body);
    expect(
      (await plain('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }))
        .status,
    ).to.equal(201);
    for (const [who, role] of [
      ['viewer', 'view'],
      ['editor', 'edit'],
    ] as const) {
      const res = await plain('POST', `${rbac}/namespaces/apps/rolebindings`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: who },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: who }],
      });
      expect(res.status).to.equal(201);
    }
    expect((await plain('POST', stsPath('apps'), statefulSet('db'))).status).to.equal(201);
  });
  after(() => s.stop());

  /** Retries while the binding has not reached the authorizer's cache (a 403 that turns into `want`). */
  async function eventually(
    f: () => Promise<{ status: number }>,
    want: number,
  ): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = (await f()) as { status: number; body: unknown };
      if (r.status === want || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  it('view reads sets and their scale but may not scale them (403, in Kubernetes’ words)', async () => {
    const viewer = s.user('viewer');
    expect((await eventually(() => s.request(viewer, 'GET', stsPath('apps', 'db', 'scale')), 200)).status).to.equal(
      200,
    );
    const res = await s.request<{ message?: string }>(viewer, 'PATCH', stsPath('apps', 'db', 'scale'), {
      body: { spec: { replicas: 1 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(res.status).to.equal(403);
    expect(res.body.message).to.equal(
      'statefulsets.apps "db" is forbidden: User "viewer" cannot patch resource "statefulsets/scale" in API group "apps" in the namespace "apps"',
    );
  });

  it('edit scales', async () => {
    const editor = s.user('editor');
    const res = await eventually(
      () =>
        s.request(editor, 'PATCH', stsPath('apps', 'db', 'scale'), {
          body: { spec: { replicas: 2 } },
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
      200,
    );
    expect(res.status).to.equal(200);
    expect((res.body as Obj).spec.replicas).to.equal(2);
  });

  it('the controller-manager writes status and revisions, and may not create sets', async () => {
    const cm = s.user(Users.KubeControllerManager);
    const cur = (await s.request<Obj>(cm, 'GET', stsPath('apps', 'db'))).body;
    const st = await s.request<Obj>(cm, 'PUT', stsPath('apps', 'db', 'status'), {
      body: { ...cur, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } },
    });
    expect(st.status, JSON.stringify(st.body)).to.equal(200);
    const rev = await s.request(cm, 'POST', `${apps}/namespaces/apps/controllerrevisions`, {
      body: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'db-1' }, data: {}, revision: 1 },
    });
    expect(rev.status).to.equal(201);
    expect((await s.request(cm, 'POST', stsPath('apps'), { body: statefulSet('other') })).status).to.equal(403);
  });
});
