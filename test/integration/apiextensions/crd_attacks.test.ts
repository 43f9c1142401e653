/**
 * Hostile CRDs and custom objects on a real apiserver over etcd: patches that deepen an object
 * past the body nesting limit, names colliding with built-in (review) resources, and
 * `__proto__` names and defaults. The apiserver must answer with clear 4xx Status errors, keep
 * serving lists and OpenAPI, and never let a CRD take a built-in's names.
 */
import { expect } from 'chai';
import { maxNestingDepth } from '../../../pkg/apiserver/body';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { widget, widgetCrd } from './fixtures';

type Obj = {
  metadata: Record<string, unknown> & { name?: string };
  spec?: Record<string, unknown>;
  status?: { conditions?: { type: string; status: string }[] };
};

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const widgets = (ns: string, name = '') => `/apis/example.com/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

async function condition(api: TestApiServer, name: string, type: string): Promise<string | undefined> {
  const res = await request<Obj>(api.url, 'GET', `${crds}/${name}`);
  return res.body.status?.conditions?.find((c) => c.type === type)?.status;
}

/** `{a: {a: ... 'v'}}`, `depth` objects deep. */
function deep(depth: number): unknown {
  let v: unknown = 'v';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('apiextensions: hostile CRDs and custom objects', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
    expect((await request(api.url, 'POST', crds, widgetCrd())).status).to.equal(201);
    await waitFor(
      async () => (await condition(api, 'widgets.example.com', 'Established')) === 'True',
      10_000,
      'widgets Established',
    );
  });
  after(async () => api.stop());

  it('a JSON patch cannot deepen an object past the nesting limit, one patch after another', async () => {
    const step = maxNestingDepth - 20;
    const made = await request(
      api.url,
      'POST',
      widgets('default'),
      widget('deep', { size: 'small', free: deep(step) }),
    );
    expect(made.status, made.text).to.equal(201);
    let at = `/spec/free${'/a'.repeat(step - 1)}`;
    let refused = 0;
    for (let i = 0; i < 12 && refused === 0; i++) {
      const res = await request(
        api.url,
        'PATCH',
        widgets('default', 'deep'),
        [{ op: 'replace', path: `${at}/a`, value: deep(step) }],
        jsonPatch,
      );
      if (res.status === 200) at += '/a'.repeat(step);
      else {
        expect(res.status, res.text).to.be.oneOf([400, 422]);
        refused++;
      }
    }
    expect(refused, 'a patch past the limit was refused').to.equal(1);
    const list = await request(api.url, 'GET', widgets('default'));
    expect(list.status, list.text.slice(0, 200)).to.equal(200);
  });

  it('a JSON patch cannot deepen a CRD schema until OpenAPI breaks', async () => {
    const crd = widgetCrd('deep.example.com', 'deeps', 'Deep');
    const made = await request(api.url, 'POST', crds, crd);
    expect(made.status, made.text).to.equal(201);
    const base = '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/nested';
    let at = base;
    const schema = (n: number) => {
      let s: unknown = { type: 'string' };
      for (let i = 0; i < n; i++) s = { type: 'object', properties: { a: s } };
      return s;
    };
    const levels = Math.floor((maxNestingDepth - 40) / 2);
    let refused = false;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await request(
        api.url,
        'PATCH',
        `${crds}/deeps.deep.example.com`,
        [{ op: 'replace', path: at, value: schema(levels) }],
        jsonPatch,
      );
      if (res.status === 200) at += '/properties/a'.repeat(levels);
      else {
        expect(res.status, res.text).to.be.oneOf([400, 422]);
        refused = true;
      }
    }
    expect(refused, 'a patch past the limit was refused').to.equal(true);
    const doc = await request(api.url, 'GET', '/openapi/v3/apis/example.com/v1');
    expect(doc.status, doc.text.slice(0, 200)).to.equal(200);
  });

  it('a CRD may not take the names of a built-in review resource', async () => {
    const crd = widgetCrd('authentication.k8s.io', 'tokenreviews', 'TokenReview');
    (crd.spec as { names: { shortNames: string[] } }).names.shortNames = ['trv'];
    const made = await request(api.url, 'POST', crds, crd);
    expect(made.status, made.text).to.equal(201);
    await waitFor(
      async () => (await condition(api, 'tokenreviews.authentication.k8s.io', 'NamesAccepted')) !== undefined,
      10_000,
      'tokenreviews NamesAccepted decided',
    );
    expect(await condition(api, 'tokenreviews.authentication.k8s.io', 'NamesAccepted')).to.equal('False');
    expect(await condition(api, 'tokenreviews.authentication.k8s.io', 'Established')).to.equal('False');
  });

  it('kind Constructor, plural constructors, a property and defaults named __proto__: served, no pollution', async () => {
    const crd = widgetCrd('proto.example.com', 'constructors', 'Constructor');
    const names = (crd.spec as { names: Record<string, unknown> }).names;
    names.singular = 'constructor';
    names.shortNames = ['tostring', 'hasownproperty'];
    const v0 = (crd.spec as { versions: { schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[] })
      .versions[0];
    const spec = v0?.schema.openAPIV3Schema.properties.spec as { properties: Record<string, unknown> };
    spec.properties = JSON.parse(
      '{"size":{"type":"string"},"__proto__":{"type":"object","default":{"polluted":"yes"},"x-kubernetes-preserve-unknown-fields":true},"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"default":{"__proto__":{"polluted":"yes"}}}}',
    ) as Record<string, unknown>;
    const made = await request(api.url, 'POST', crds, crd);
    expect(made.status, made.text).to.equal(201);
    await waitFor(
      async () => (await condition(api, 'constructors.proto.example.com', 'Established')) === 'True',
      10_000,
      'constructors Established',
    );
    const path = '/apis/proto.example.com/v1/namespaces/default/constructors';
    const body =
      '{"apiVersion":"proto.example.com/v1","kind":"Constructor","metadata":{"name":"c1"},"spec":{"size":"small","__proto__":{"polluted":"yes"}}}';
    const obj = await request<Obj>(api.url, 'POST', path, body);
    expect(obj.status, obj.text).to.be.oneOf([201, 422]);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    for (const p of [
      path,
      `${path}/c1`,
      '/apis/proto.example.com/v1',
      '/openapi/v3/apis/proto.example.com/v1',
      '/openapi/v2',
      '/api/v1/namespaces/default/pods',
    ])
      expect((await request(api.url, 'GET', p)).status, p).to.be.oneOf(p.endsWith('c1') ? [200, 404] : [200]);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
  });
});
