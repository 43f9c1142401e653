/**
 * Custom resources beyond CRUD: the scale subresource through the CRD's paths, server-side
 * field validation of unknown fields (Strict → 400, Warn → a warning, then pruned), a CRD's
 * schema change served without a restart, and RBAC rules naming the custom group/resource.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from '../auth/support';
import { widget, widgetCrd } from './fixtures';

type Obj = { metadata: { resourceVersion?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const widgets = (ns: string, name = '') => `/apis/example.com/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;

async function installWidgets(url: string): Promise<void> {
  expect((await request(url, 'POST', crds, widgetCrd())).status).to.equal(201);
  await waitFor(async () => (await request(url, 'GET', widgets('default'))).status === 200, 10_000, 'widgets served');
}

describe('apiextensions: scale, field validation and schema updates', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
    await installWidgets(api.url);
  });
  after(async () => api.stop());

  it('serves /scale from specReplicasPath and statusReplicasPath; a write goes through the schema', async () => {
    await request(api.url, 'POST', widgets('default'), widget('s1', { size: 'small', replicas: 2 }));
    await request(
      api.url,
      'PATCH',
      `${widgets('default', 's1')}/status`,
      { status: { replicas: 1 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    const scale = await request<{ kind: string; spec: { replicas: number }; status: { replicas: number } }>(
      api.url,
      'GET',
      `${widgets('default', 's1')}/scale`,
    );
    expect(scale.status, scale.text).to.equal(200);
    expect(scale.body).to.deep.include({ kind: 'Scale', spec: { replicas: 2 } });
    expect(scale.body.status.replicas).to.equal(1);
    const up = await request(
      api.url,
      'PATCH',
      `${widgets('default', 's1')}/scale`,
      { spec: { replicas: 4 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(up.status, up.text).to.equal(200);
    expect((await request<Obj>(api.url, 'GET', widgets('default', 's1'))).body.spec?.replicas).to.equal(4);
    const tooMany = await request(
      api.url,
      'PATCH',
      `${widgets('default', 's1')}/scale`,
      { spec: { replicas: 11 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(tooMany.status).to.equal(422);
  });

  it('answers unknown fields under fieldValidation=Strict with 400 and warns under Warn', async () => {
    const strict = await request<{ message: string }>(
      api.url,
      'POST',
      `${widgets('default')}?fieldValidation=Strict`,
      widget('f1', { size: 'small', bogus: 1 }),
    );
    expect(strict.status).to.equal(400);
    expect(strict.body.message).to.contain('strict decoding error: unknown field "spec.bogus"');
    const warn = await request<Obj>(
      api.url,
      'POST',
      `${widgets('default')}?fieldValidation=Warn`,
      widget('f1', { size: 'small', bogus: 1 }),
    );
    expect(warn.status).to.equal(201);
    expect(warn.headers.get('warning')).to.contain('unknown field \\"spec.bogus\\"');
    expect(warn.body.spec).to.not.have.property('bogus');
  });

  it('serves a changed schema without a restart', async () => {
    const cur = (await request<Record<string, unknown> & Obj>(api.url, 'GET', `${crds}/widgets.example.com`)).body;
    const next = JSON.parse(JSON.stringify(cur)) as {
      spec: {
        versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[];
      };
    };
    const v = next.spec.versions[0];
    if (!v) throw new Error('no version');
    v.schema.openAPIV3Schema.properties.spec.properties.color = { type: 'string', default: 'blue' };
    expect((await request(api.url, 'PUT', `${crds}/widgets.example.com`, next)).status).to.equal(200);
    await waitFor(
      async () => {
        const r = await request<Obj>(
          api.url,
          'POST',
          `${widgets('default')}?dryRun=All`,
          widget('c1', { size: 'small' }),
        );
        return r.body.spec?.color === 'blue';
      },
      10_000,
      'the new default',
    );
  });
});

describe('apiextensions: RBAC for custom resources', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.RBAC] });
    await installWidgets(s.api.url);
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    await request(s.api.url, 'POST', `${rbac}/clusterroles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'widget-reader' },
      rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] }],
    });
    const rb = await request<Obj>(s.api.url, 'POST', `${rbac}/namespaces/default/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'bob-widgets' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'widget-reader' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }],
    });
    expect(rb.status).to.equal(201);
    await request(s.api.url, 'POST', widgets('default'), widget('r1', { size: 'small' }));
  });
  after(async () => s?.stop());

  it('grants exactly what the rules name', async () => {
    await waitFor(
      async () => (await s.request(s.user('bob'), 'GET', widgets('default', 'r1'))).status === 200,
      10_000,
      'bob may read',
    );
    expect((await s.request(s.user('bob'), 'GET', widgets('default'))).status).to.equal(200);
    const create = await s.request(s.user('bob'), 'POST', widgets('default'), {
      body: widget('r2', { size: 'small' }),
    });
    expect(create.status).to.equal(403);
    expect((await s.request(s.user('bob'), 'GET', widgets('kube-system'))).status).to.equal(403);
    expect(
      (
        await s.request(s.user('bob'), 'PUT', `${widgets('default', 'r1')}/status`, {
          body: widget('r1', { size: 'small' }),
        })
      ).status,
    ).to.equal(403);
    expect((await s.request(s.user('carol'), 'GET', widgets('default', 'r1'))).status).to.equal(403);
  });
});

describe('apiextensions: restart', () => {
  it('serves the stored CRDs and their objects again after an apiserver restart', async () => {
    const first = await startApiServer();
    await installWidgets(first.url);
    expect((await request(first.url, 'POST', widgets('default'), widget('kept', { size: 'large' }))).status).to.equal(
      201,
    );
    const { prefix } = first;
    await first.stop();
    const second = await startApiServer({ prefix });
    try {
      const got = await request<Obj>(second.url, 'GET', widgets('default', 'kept'));
      expect(got.status).to.equal(200);
      expect(got.body.spec?.size).to.equal('large');
    } finally {
      await second.stop();
    }
  });
});

describe('apiextensions: client-chosen keys stay data', () => {
  it('a schema and objects with __proto__ / constructor keys never reach a prototype', async () => {
    const api = await startApiServer();
    try {
      const crd = JSON.parse(
        JSON.stringify(widgetCrd('proto.example.com', 'protos', 'Proto')).replace(
          '"size":{',
          '"__proto__":{"type":"object","default":{"polluted":true},"properties":{"polluted":{"type":"boolean"}}},"constructor":{"type":"string","default":"c"},"size":{',
        ),
      ) as Record<string, unknown>;
      const raw = JSON.stringify(crd);
      expect(raw).to.contain('"__proto__"');
      expect((await request(api.url, 'POST', crds, raw)).status).to.equal(201);
      const path = '/apis/proto.example.com/v1/namespaces/default/protos';
      await waitFor(async () => (await request(api.url, 'GET', path)).status === 200, 10_000, 'protos served');
      const body =
        '{"apiVersion":"proto.example.com/v1","kind":"Proto","metadata":{"name":"p"},"spec":{"size":"small","prototype":{"x":1}},"__proto__":{"polluted":true}}';
      const res = await request<{ spec: Record<string, unknown> }>(api.url, 'POST', path, body);
      expect(res.status, res.text).to.equal(201);
      expect(res.text).to.contain('"__proto__":{"polluted":true}');
      expect(res.body.spec).to.not.have.property('prototype');
      // Pruned at the root; declared (and defaulted) in spec: an own key either way.
      expect(Object.hasOwn(res.body, '__proto__')).to.equal(false);
      expect(Object.hasOwn(res.body.spec, '__proto__')).to.equal(true);
      expect(res.body.spec.constructor).to.equal('c');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.prototype).to.not.have.property('polluted');
    } finally {
      await api.stop();
    }
  });
});
