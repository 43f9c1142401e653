import { expect } from 'chai';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { openWatch, request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { widget, widgetCrd } from './fixtures';

type Obj = {
  metadata: Record<string, unknown> & { name?: string; resourceVersion?: string; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
};
type Status = {
  code: number;
  reason: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
};

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const widgets = (ns: string, name = '') => `/apis/example.com/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;

async function condition(api: TestApiServer, name: string, type: string): Promise<string | undefined> {
  const res = await request<Obj>(api.url, 'GET', `${crds}/${name}`);
  return res.body.status?.conditions?.find((c) => c.type === type)?.status;
}

async function established(api: TestApiServer, name: string): Promise<void> {
  await waitFor(async () => (await condition(api, name, 'Established')) === 'True', 10_000, `${name} Established`);
}

describe('apiextensions: CRD serving over etcd', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
    const res = await request<Obj>(api.url, 'POST', crds, widgetCrd());
    expect(res.status, res.text).to.equal(201);
    await established(api, 'widgets.example.com');
  });
  after(async () => api.stop());

  it('sets NamesAccepted and Established, and stores the CRD under /registry/apiextensions.k8s.io', async () => {
    const crd = (await request<Obj>(api.url, 'GET', `${crds}/widgets.example.com`)).body;
    const byType = Object.fromEntries((crd.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.NamesAccepted).to.include({ status: 'True', reason: 'NoConflicts' });
    expect(byType.Established).to.include({ status: 'True', reason: 'InitialNamesAccepted' });
    expect(crd.status?.acceptedNames).to.include({ plural: 'widgets', kind: 'Widget', listKind: 'WidgetList' });
    expect(crd.status?.storedVersions).to.deep.equal(['v1']);
    const raw = await api.etcd.get(`${api.prefix}/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com`);
    expect(raw.metadata.name).to.equal('widgets.example.com');
  });

  it('rejects invalid CRDs with 422 and field causes', async () => {
    const bad = widgetCrd();
    (bad.metadata as Record<string, unknown>).name = 'wrong.example.com';
    const res = await request<Status>(api.url, 'POST', crds, bad);
    expect(res.status).to.equal(422);
    expect(res.body.details?.causes?.map((c) => c.field)).to.include('metadata.name');
    const two = widgetCrd('two.example.com', 'things', 'Thing');
    const spec = two.spec as { versions: Record<string, unknown>[] };
    spec.versions.push({ ...spec.versions[0], name: 'v2' });
    const res2 = await request<Status>(api.url, 'POST', crds, two);
    expect(res2.status).to.equal(422);
    expect(res2.text).to.contain('must have exactly one version marked as storage version');
  });

  it('serves discovery for the group with short names and categories', async () => {
    const groups = await request<{ groups: { name: string }[] }>(api.url, 'GET', '/apis');
    expect(groups.body.groups.map((g) => g.name)).to.include.members(['example.com', 'apiextensions.k8s.io']);
    const g = await request<{ preferredVersion: { groupVersion: string } }>(api.url, 'GET', '/apis/example.com');
    expect(g.body.preferredVersion.groupVersion).to.equal('example.com/v1');
    const rl = await request<{
      resources: { name: string; shortNames?: string[]; categories?: string[]; namespaced: boolean }[];
    }>(api.url, 'GET', '/apis/example.com/v1');
    const w = rl.body.resources.find((r) => r.name === 'widgets');
    expect(w).to.include({ namespaced: true });
    expect(w?.shortNames).to.deep.equal(['wd']);
    expect(w?.categories).to.deep.equal(['all']);
    expect(rl.body.resources.map((r) => r.name)).to.include.members(['widgets/status', 'widgets/scale']);
  });

  it('publishes OpenAPI v3 from the schema', async () => {
    const idx = await request<{ paths: Record<string, { serverRelativeURL: string }> }>(api.url, 'GET', '/openapi/v3');
    const entry = idx.body.paths['apis/example.com/v1'];
    expect(entry).to.not.equal(undefined);
    const doc = await request<{
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      paths: Record<string, { patch?: { requestBody: { content: Record<string, unknown> } } }>;
    }>(api.url, 'GET', entry?.serverRelativeURL ?? '');
    const schema = doc.body.components.schemas['com.example.v1.Widget'];
    expect(Object.keys(schema?.properties ?? {})).to.include.members(['spec', 'status', 'metadata']);
    const patch = doc.body.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.patch;
    expect(Object.keys(patch?.requestBody.content ?? {})).to.not.include('application/strategic-merge-patch+json');
  });

  it('publishes the same schema in OpenAPI v2 (JSON and protobuf), with an ETag that revalidates', async () => {
    type V2 = { swagger: string; definitions: Record<string, { properties?: Record<string, { $ref?: string }> }> };
    const v2 = await request<V2>(api.url, 'GET', '/openapi/v2', undefined, { Accept: 'application/json' });
    expect(v2.status, v2.text).to.equal(200);
    expect(v2.body.swagger).to.equal('2.0');
    const widget = v2.body.definitions['com.example.v1.Widget'];
    expect(Object.keys(widget?.properties ?? {})).to.include.members(['spec', 'status', 'metadata']);
    expect(widget?.properties?.metadata?.$ref).to.equal(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    const etag = v2.headers.get('etag') ?? '';
    expect(etag).to.match(/^"[0-9A-F]{128}"$/);
    const proto = await fetch(`${api.url}/openapi/v2`, {
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(proto.headers.get('content-type')).to.equal('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(Buffer.from(await proto.arrayBuffer()).includes('com.example.v1.Widget')).to.equal(true);
    const again = await request(api.url, 'GET', '/openapi/v2', undefined, {
      Accept: 'application/json',
      'If-None-Match': etag,
    });
    expect(again.status).to.equal(304);
    const refused = await request<Status>(api.url, 'GET', '/openapi/v2', undefined, { Accept: 'text/html' });
    expect([refused.status, refused.body.reason]).to.deep.equal([406, 'NotAcceptable']);
  });

  it('prunes unknown fields and applies defaults, stored at /registry/<group>/<plural>/<ns>/<name>', async () => {
    const res = await request<Obj>(
      api.url,
      'POST',
      widgets('default'),
      widget('w1', { size: 'small', bogus: 1, free: { anything: { goes: true } }, labels: { a: 'b' } }, { extra: 'x' }),
    );
    expect(res.status, res.text).to.equal(201);
    expect(res.body.spec).to.deep.equal({
      size: 'small',
      replicas: 1,
      free: { anything: { goes: true } },
      labels: { a: 'b' },
      nested: { mode: 'auto' },
    });
    expect(res.body).to.not.have.property('extra');
    const raw = (await api.etcd.get(`${api.prefix}/example.com/widgets/default/w1`)) as unknown as Obj;
    expect(raw.spec).to.not.have.property('bogus');
  });

  it('answers schema violations with 422 and one cause per field', async () => {
    const res = await request<Status>(
      api.url,
      'POST',
      widgets('default'),
      widget('bad', {
        size: 'huge',
        replicas: 11,
        code: 'ABC',
        tags: ['a', 'b', 'c'],
        port: true,
        note: null,
        labels: { x: 3 },
      }),
    );
    expect(res.status, res.text).to.equal(422);
    const causes = res.body.details?.causes ?? [];
    const byField = Object.fromEntries(causes.map((c) => [c.field, c]));
    expect(byField['spec.size']?.reason).to.equal('FieldValueNotSupported');
    expect(byField['spec.replicas']?.message).to.contain('less than or equal to 10');
    expect(byField['spec.code']?.message).to.contain("should match '^[a-z]+$'");
    expect(byField['spec.tags']?.reason).to.equal('FieldValueTooMany');
    expect(byField['spec.port']?.reason).to.equal('FieldValueTypeInvalid');
    expect(byField['spec.labels.x']?.reason).to.equal('FieldValueTypeInvalid');
    expect(byField['spec.note']).to.equal(undefined);
    const missing = await request<Status>(api.url, 'POST', widgets('default'), widget('bad2', {}));
    expect(missing.status).to.equal(422);
    expect(missing.body.details?.causes?.[0]).to.include({ field: 'spec.size', reason: 'FieldValueRequired' });
  });

  it('splits spec and status: the main resource ignores status, /status changes only status', async () => {
    const created = await request<Obj>(
      api.url,
      'POST',
      widgets('default'),
      widget('w2', { size: 'small' }, { status: { phase: 'X' } }),
    );
    expect(created.body).to.not.have.property('status');
    const st = await request<Obj>(api.url, 'PUT', `${widgets('default', 'w2')}/status`, {
      ...created.body,
      spec: { size: 'large' },
      status: { phase: 'Ready', replicas: 2, junk: 1 },
    });
    expect(st.status, st.text).to.equal(200);
    expect(st.body.status).to.deep.equal({ phase: 'Ready', replicas: 2 });
    expect(st.body.spec?.size).to.equal('small');
    expect(st.body.metadata.generation).to.equal(1);
    const main = await request<Obj>(api.url, 'PUT', widgets('default', 'w2'), {
      ...st.body,
      spec: { ...st.body.spec, size: 'large' },
      status: { phase: 'Hacked' },
    });
    expect(main.status, main.text).to.equal(200);
    expect(main.body.status?.phase).to.equal('Ready');
    expect(main.body.metadata.generation).to.equal(2);
  });

  it('accepts merge and JSON patches; a strategic merge patch is a 415', async () => {
    const merge = await request<Obj>(
      api.url,
      'PATCH',
      widgets('default', 'w1'),
      { spec: { replicas: 3 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(merge.status, merge.text).to.equal(200);
    expect(merge.body.spec?.replicas).to.equal(3);
    const json = await request<Obj>(
      api.url,
      'PATCH',
      widgets('default', 'w1'),
      [{ op: 'replace', path: '/spec/size', value: 'large' }],
      {
        'Content-Type': 'application/json-patch+json',
      },
    );
    expect(json.body.spec?.size).to.equal('large');
    const badPatch = await request<Status>(
      api.url,
      'PATCH',
      widgets('default', 'w1'),
      { spec: { replicas: 99 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(badPatch.status).to.equal(422);
    const smp = await request<Status>(
      api.url,
      'PATCH',
      widgets('default', 'w1'),
      { spec: { replicas: 4 } },
      {
        'Content-Type': 'application/strategic-merge-patch+json',
      },
    );
    expect(smp.status).to.equal(415);
  });

  it('renders the printer columns through the Table API', async () => {
    await request(
      api.url,
      'PATCH',
      widgets('default', 'w1'),
      { spec: { tags: ['red'] } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    const t = await request<{ columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] }>(
      api.url,
      'GET',
      widgets('default'),
      undefined,
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    );
    expect(t.body.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Size', 'Replicas', 'First', 'Age']);
    const row = t.body.rows.find((r) => r.cells[0] === 'w1');
    expect(row?.cells.slice(0, 4)).to.deep.equal(['w1', 'large', 3, 'red']);
    expect(String(row?.cells[4])).to.match(/^\d+s$/);
  });

  it('watches custom objects', async () => {
    const list = await request<{ metadata: { resourceVersion: string } }>(api.url, 'GET', widgets('default'));
    const w = await openWatch(api.url, `${widgets('default')}?resourceVersion=${list.body.metadata.resourceVersion}`);
    try {
      await request(api.url, 'POST', widgets('default'), widget('w3', { size: 'small' }));
      await w.waitFor(1);
      expect(w.events[0]?.type).to.equal('ADDED');
      expect(w.events[0]?.object.metadata?.name).to.equal('w3');
    } finally {
      w.close();
    }
  });

  it('marks a CRD whose names are taken NamesAccepted=False', async () => {
    const dup = widgetCrd('example.com', 'gadgets', 'Widget');
    const res = await request(api.url, 'POST', crds, dup);
    expect(res.status).to.equal(201);
    await waitFor(
      async () => (await condition(api, 'gadgets.example.com', 'NamesAccepted')) === 'False',
      10_000,
      'conflict',
    );
    const crd = (await request<Obj>(api.url, 'GET', `${crds}/gadgets.example.com`)).body;
    const c = crd.status?.conditions?.find((x) => x.type === 'NamesAccepted');
    expect(c?.reason).to.equal('NotAccepted');
    expect(c?.message).to.contain('is already in use');
    expect((await request(api.url, 'GET', '/apis/example.com/v1/namespaces/default/gadgets')).status).to.equal(404);
    await request(api.url, 'DELETE', `${crds}/gadgets.example.com`);
  });

  it('deleting the CRD deletes its objects, then its routes, discovery and OpenAPI', async () => {
    // An object with its own finalizer holds the CRD in Terminating, where creates are refused.
    const held = await request(
      api.url,
      'POST',
      widgets('default'),
      widget('held', { size: 'small' }, { metadata: { name: 'held', finalizers: ['example.com/hold'] } }),
    );
    expect(held.status, held.text).to.equal(201);
    const del = await request<Obj>(api.url, 'DELETE', `${crds}/widgets.example.com`);
    expect(del.status).to.equal(200);
    expect(del.body.metadata.finalizers).to.deep.equal(['customresourcecleanup.apiextensions.k8s.io']);
    expect(del.body.status?.conditions?.find((c) => c.type === 'Terminating')?.status).to.equal('True');
    await waitFor(
      async () =>
        (await request(api.url, 'GET', widgets('default'))).text.includes('"held"') &&
        !(await request(api.url, 'GET', widgets('default'))).text.includes('"w1"'),
      10_000,
      'only the held object left',
    );
    const refused = await request<Status>(api.url, 'POST', widgets('default'), widget('late', { size: 'small' }));
    expect(refused.status).to.equal(405);
    const crd = (await request<Obj>(api.url, 'GET', `${crds}/widgets.example.com`)).body;
    expect(crd.status?.conditions?.find((c) => c.type === 'Terminating')?.reason).to.equal(
      'InstanceDeletionInProgress',
    );
    await request(
      api.url,
      'PATCH',
      widgets('default', 'held'),
      { metadata: { finalizers: null } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    await waitFor(
      async () => (await request(api.url, 'GET', `${crds}/widgets.example.com`)).status === 404,
      10_000,
      'CRD gone',
    );
    expect(await api.etcd.list(`${api.prefix}/example.com/widgets/`).then((l) => l.items.length)).to.equal(0);
    expect((await request(api.url, 'GET', widgets('default'))).status).to.equal(404);
    expect((await request(api.url, 'GET', '/apis/example.com/v1')).status).to.equal(404);
    const groups = await request<{ groups: { name: string }[] }>(api.url, 'GET', '/apis');
    expect(groups.body.groups.map((g) => g.name)).to.not.include('example.com');
    const idx = await request<{ paths: Record<string, unknown> }>(api.url, 'GET', '/openapi/v3');
    expect(idx.body.paths).to.not.have.property('apis/example.com/v1');
    const v2 = await request<{ definitions: Record<string, unknown> }>(api.url, 'GET', '/openapi/v2');
    expect(v2.body.definitions).to.not.have.property('com.example.v1.Widget');
  });
});
