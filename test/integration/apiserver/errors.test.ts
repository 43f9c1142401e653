import { expect } from 'chai';
import { request } from '../../helpers/http';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { pv, pvc, pvcPath, pvPath } from './fixtures';

describe('apiserver: bad input gets a Status with the right code and writes nothing', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
    const before = await api.etcd.currentRevision();
    const r = await fn();
    expect(await api.etcd.currentRevision(), 'etcd revision moved').to.equal(before);
    return r;
  }

  const cases: {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    code: number;
    reason?: string;
    field?: string;
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      path: pvcPath('default'),
      body: '{"metadata": ',
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'invalid name',
      method: 'POST',
      path: pvcPath('default'),
      body: pvc('Bad_Name'),
      code: 422,
      reason: 'Invalid',
      field: 'metadata.name',
    },
    {
      name: 'garbage quantity',
      method: 'POST',
      path: pvcPath('default'),
      body: pvc('q', { spec: { resources: { requests: { storage: 'lots' } } } }),
      code: 422,
      field: 'spec.resources[storage]',
    },
    {
      name: 'negative quantity',
      method: 'POST',
      path: pvcPath('default'),
      body: pvc('q', { spec: { resources: { requests: { storage: '-1Gi' } } } }),
      code: 422,
    },
    {
      name: 'bad access mode',
      method: 'POST',
      path: pvcPath('default'),
      body: pvc('q', { spec: { accessModes: ['ReadWriteSometimes'] } }),
      code: 422,
    },
    {
      name: 'PV with two sources',
      method: 'POST',
      path: pvPath(),
      body: { ...pv('two'), spec: { ...(pv('two').spec as object), nfs: { server: 'x', path: '/e' } } },
      code: 422,
    },
    {
      name: 'PV with a relative hostPath',
      method: 'POST',
      path: pvPath(),
      body: { ...pv('rel'), spec: { ...(pv('rel').spec as object), hostPath: { path: 'data/x' } } },
      code: 422,
    },
    {
      name: 'PV with .. in hostPath',
      method: 'POST',
      path: pvPath(),
      body: { ...pv('dots'), spec: { ...(pv('dots').spec as object), hostPath: { path: '/data/../etc' } } },
      code: 422,
    },
    {
      name: 'bad reclaim policy',
      method: 'POST',
      path: pvPath(),
      body: { ...pv('rp'), spec: { ...(pv('rp').spec as object), persistentVolumeReclaimPolicy: 'Shred' } },
      code: 422,
    },
    {
      name: 'pod with an emptyDir volume',
      method: 'POST',
      path: '/api/v1/namespaces/default/pods',
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'v', emptyDir: {} }] },
      },
      code: 422,
      field: 'spec.volumes[0].emptyDir',
    },
    {
      name: 'pod mounting an undeclared volume',
      method: 'POST',
      path: '/api/v1/namespaces/default/pods',
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'nope', mountPath: '/data' }] }] },
      },
      code: 422,
      field: 'spec.containers[0].volumeMounts[0].name',
    },
    {
      name: 'missing namespace',
      method: 'POST',
      path: pvcPath('nowhere'),
      body: pvc('x'),
      code: 404,
      reason: 'NotFound',
    },
    { name: 'unknown resource', method: 'GET', path: '/api/v1/widgets', code: 404 },
    { name: 'unknown path', method: 'GET', path: '/nothing/here', code: 404 },
    { name: 'wrong method', method: 'PUT', path: pvcPath('default'), body: pvc('x'), code: 405 },
    {
      name: 'unsupported patch type',
      method: 'PATCH',
      path: pvcPath('default', 'x'),
      body: '{}',
      headers: { 'Content-Type': 'text/plain' },
      code: 415,
    },
    { name: 'kind mismatch', method: 'POST', path: pvcPath('default'), body: { ...pvc('x'), kind: 'Pod' }, code: 400 },
    {
      name: 'YAML alias bomb',
      method: 'POST',
      path: pvcPath('default'),
      body: 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\nmetadata: {name: bomb}\n',
      headers: { 'Content-Type': 'application/yaml' },
      code: 400,
    },
    {
      name: 'YAML custom tag',
      method: 'POST',
      path: pvcPath('default'),
      body: 'metadata: !!js/function "x"\n',
      headers: { 'Content-Type': 'application/yaml' },
      code: 400,
    },
    {
      name: 'body over 3 MiB',
      method: 'POST',
      path: pvcPath('default'),
      body: JSON.stringify({
        ...pvc('big'),
        metadata: { name: 'big', annotations: { a: 'x'.repeat(3.2 * 1024 * 1024) } },
      }),
      code: 413,
    },
    {
      name: 'object over 1.5 MiB',
      method: 'POST',
      path: '/api/v1/namespaces/default/pods',
      body: {
        metadata: { name: 'big2' },
        spec: {
          containers: [{ name: 'c', image: 'busybox', args: Array.from({ length: 17 }, () => 'x'.repeat(100 * 1024)) }],
        },
      },
      code: 413,
    },
    {
      name: 'bad watch resourceVersion',
      method: 'GET',
      path: `${pvcPath('default')}?watch=true&resourceVersion=abc`,
      code: 400,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const res = await unchanged(() =>
        request<{ kind: string; code: number; reason: string; details?: { causes?: { field: string }[] } }>(
          api.url,
          c.method,
          c.path,
          c.body,
          c.headers,
        ),
      );
      expect(res.status, res.text).to.equal(c.code);
      expect(res.body.kind).to.equal('Status');
      expect(res.body.code).to.equal(c.code);
      if (c.reason) expect(res.body.reason).to.equal(c.reason);
      if (c.field) expect(res.body.details?.causes?.map((x) => x.field)).to.include(c.field);
    });
  }

  it('an immutable PVC spec change is 422 and the stored object is untouched', async () => {
    const created = await request<{ metadata: Record<string, unknown>; spec: Record<string, unknown> }>(
      api.url,
      'POST',
      pvcPath('default'),
      pvc('immut'),
    );
    const res = await unchanged(() =>
      request(api.url, 'PUT', pvcPath('default', 'immut'), {
        ...created.body,
        spec: { ...created.body.spec, storageClassName: 'nfs' },
      }),
    );
    expect(res.status).to.equal(422);
  });

  it('an immutable PV source change is 422', async () => {
    const created = await request<{ metadata: Record<string, unknown>; spec: Record<string, unknown> }>(
      api.url,
      'POST',
      pvPath(),
      pv('immut-pv'),
    );
    const res = await unchanged(() =>
      request(api.url, 'PUT', pvPath('immut-pv'), {
        ...created.body,
        spec: { ...created.body.spec, hostPath: { path: '/elsewhere' } },
      }),
    );
    expect(res.status).to.equal(422);
  });

  it('serves health, readiness, version and metrics', async () => {
    expect((await request(api.url, 'GET', '/healthz')).text).to.equal('ok');
    expect((await request(api.url, 'GET', '/livez')).status).to.equal(200);
    expect((await request(api.url, 'GET', '/readyz')).text).to.equal('ok');
    expect((await request<{ major: string }>(api.url, 'GET', '/version')).body.major).to.equal('1');
    const metrics = (await request(api.url, 'GET', '/metrics')).text;
    expect(metrics).to.match(
      /apiserver_request_total\{code="201",resource="persistentvolumeclaims",verb="create"\} \d+/,
    );
    expect(metrics).to.include('apiserver_request_duration_seconds_bucket');
  });
});
