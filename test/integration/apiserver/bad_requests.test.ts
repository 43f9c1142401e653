import { expect } from 'chai';
import { connect } from 'node:net';
import { request } from '../../helpers/http';
import { pv, pvc, pvcPath, pvPath } from './fixtures';
import {
  etcdState,
  expectStatus,
  startInputTestServer,
  testBodyReadTimeoutMs,
  testFreshnessWaitMs,
  type InputTestServer,
} from './input_support';

type Cause = { reason?: string; field?: string; message?: string };
type StatusBody = { reason?: string; message?: string; details?: { causes?: Cause[]; retryAfterSeconds?: number } };

const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closed it. */
function rawExchange(
  port: number,
  bytes: string,
  deadlineMs: number,
): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const sock = connect(port, '127.0.0.1', () => sock.write(bytes));
    let text = '';
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ text, closed: false, ms: Date.now() - start });
    }, deadlineMs);
    sock.on('data', (d) => (text += d.toString()));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - start });
    });
    sock.on('error', reject);
  });
}

describe('apiserver: every bad request is a 4xx Status, bounded in time, and writes nothing', () => {
  let api: InputTestServer;
  before(async () => {
    api = await startInputTestServer();
    expect((await request(api.url, 'POST', pvcPath('default'), pvc('victim'))).status).to.equal(201);
  });
  after(async () => api.stop());

  /** Runs a request and checks that etcd's key count and revision did not move. */
  async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
    const before = await etcdState(api.etcd, api.prefix);
    const r = await fn();
    expect(await etcdState(api.etcd, api.prefix), 'etcd changed').to.deep.equal(before);
    return r;
  }

  const far = 9_000_000_000;
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
      name: 'JSON patch remove /metadata',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"remove","path":"/metadata"}]',
      headers: jsonPatch,
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'JSON patch replace /metadata/name',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"replace","path":"/metadata/name","value":"other"}]',
      headers: jsonPatch,
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'JSON patch replace /metadata/namespace',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"replace","path":"/metadata/namespace","value":"kube-system"}]',
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch replace / with a string',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"replace","path":"","value":"x"}]',
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch that is an object',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '{"op":"add","path":"/x","value":1}',
      headers: jsonPatch,
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'JSON patch op without a path',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"add","value":1}]',
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch remove of a missing path',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"remove","path":"/spec/nothing"}]',
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch move into its own child',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"move","from":"/spec","path":"/spec/x"}]',
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch failed test',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '[{"op":"test","path":"/metadata/name","value":"other"}]',
      headers: jsonPatch,
      code: 422,
      reason: 'Invalid',
    },
    {
      name: 'merge patch renaming the object',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '{"metadata":{"name":"other"}}',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      code: 400,
    },
    {
      name: 'merge patch with metadata null',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: '{"metadata":null}',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      code: 400,
    },
    {
      name: 'watch far ahead of etcd',
      method: 'GET',
      path: `${pvcPath('default')}?watch=true&resourceVersion=${far}`,
      code: 504,
      reason: 'Timeout',
    },
    {
      name: 'list far ahead of etcd',
      method: 'GET',
      path: `${pvcPath('default')}?resourceVersion=${far}`,
      code: 504,
      reason: 'Timeout',
    },
    {
      name: 'get far ahead of etcd',
      method: 'GET',
      path: `${pvcPath('default', 'victim')}?resourceVersion=${far}`,
      code: 504,
      reason: 'Timeout',
    },
    {
      name: 'get at a malformed resourceVersion',
      method: 'GET',
      path: `${pvcPath('default', 'victim')}?resourceVersion=1e3`,
      code: 400,
    },
    {
      name: 'list Exact far ahead of etcd',
      method: 'GET',
      path: `${pvcPath('default')}?resourceVersion=${far}&resourceVersionMatch=Exact`,
      code: 504,
      reason: 'Timeout',
    },
    {
      name: 'malformed percent-encoding in the name',
      method: 'GET',
      path: `${pvcPath('default')}/%E0%A4%A`,
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'malformed percent-encoding in the namespace',
      method: 'DELETE',
      path: '/api/v1/namespaces/%ZZ/persistentvolumeclaims/x',
      code: 400,
    },
    {
      name: 'body as text/plain',
      method: 'POST',
      path: pvcPath('default'),
      body: JSON.stringify(pvc('plain')),
      headers: { 'Content-Type': 'text/plain' },
      code: 415,
      reason: 'UnsupportedMediaType',
    },
    {
      name: 'body as a form',
      method: 'PUT',
      path: pvcPath('default', 'victim'),
      body: JSON.stringify(pvc('victim')),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      code: 415,
    },
    {
      name: 'DeleteOptions as text/plain',
      method: 'DELETE',
      path: pvcPath('default', 'victim'),
      body: '{}',
      headers: { 'Content-Type': 'text/plain' },
      code: 415,
    },
    {
      name: 'DeleteOptions that is an array',
      method: 'DELETE',
      path: pvcPath('default', 'victim'),
      body: '[]',
      code: 400,
    },
    {
      name: 'DeleteOptions with a string grace period',
      method: 'DELETE',
      path: pvcPath('default', 'victim'),
      body: '{"gracePeriodSeconds":"soon"}',
      code: 400,
    },
    {
      name: 'DeleteOptions with a bad propagationPolicy',
      method: 'DELETE',
      path: pvcPath('default', 'victim'),
      body: '{"propagationPolicy":"Never"}',
      code: 400,
    },
    {
      name: 'a bad propagationPolicy query parameter',
      method: 'DELETE',
      path: `${pvcPath('default', 'victim')}?propagationPolicy=Never`,
      code: 400,
    },
    {
      name: 'DeleteOptions with both orphanDependents and propagationPolicy',
      method: 'DELETE',
      path: pvcPath('default', 'victim'),
      body: '{"orphanDependents":true,"propagationPolicy":"Foreground"}',
      code: 422,
      reason: 'Invalid',
      field: 'propagationPolicy',
    },
    {
      name: 'hostPath with a NUL byte',
      method: 'POST',
      path: pvPath(),
      body: { ...pv('nul'), spec: { ...(pv('nul').spec as object), hostPath: { path: '/tmp/a\u0000b' } } },
      code: 422,
      reason: 'Invalid',
      field: 'spec.hostPath.path',
    },
    {
      name: 'JSON body nested 5,000 levels deep',
      method: 'POST',
      path: pvcPath('default'),
      body: `{"metadata":{"name":"deep"},"spec":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      code: 400,
      reason: 'BadRequest',
    },
    {
      name: 'merge patch nested 100,000 levels deep',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: `{"spec":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      code: 400,
    },
    {
      name: 'JSON patch whose copies double the object 40 times',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: JSON.stringify(
        Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/metadata', path: `/metadata/annotations/x${i}` })),
      ),
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'JSON patch of 10,001 operations',
      method: 'PATCH',
      path: pvcPath('default', 'victim'),
      body: JSON.stringify(
        Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'PersistentVolumeClaim' })),
      ),
      headers: jsonPatch,
      code: 400,
    },
    {
      name: 'pod subPath that is a number',
      method: 'POST',
      path: '/api/v1/namespaces/default/pods',
      body: {
        metadata: { name: 'sp' },
        spec: {
          containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'v', mountPath: '/d', subPath: 5 }] }],
          volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'victim' } }],
        },
      },
      code: 400,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const res = await unchanged(() => request<StatusBody>(api.url, c.method, c.path, c.body, c.headers));
      expectStatus(res, c.code, c.reason);
      if (c.field) expect(res.body.details?.causes?.map((x) => x.field)).to.include(c.field);
    });
  }

  it('a resourceVersion far ahead answers 504 ResourceVersionTooLarge after a bounded wait', async () => {
    const start = Date.now();
    const res = await request<StatusBody>(api.url, 'GET', `${pvcPath('default')}?watch=true&resourceVersion=${far}`);
    const ms = Date.now() - start;
    expectStatus(res, 504, 'Timeout');
    expect(res.body.message).to.match(/^Too large resource version: 9000000000, current: \d+$/);
    expect(res.body.details?.causes?.[0]?.reason).to.equal('ResourceVersionTooLarge');
    expect(res.body.details?.retryAfterSeconds).to.equal(1);
    expect(ms).to.be.within(testFreshnessWaitMs - 50, testFreshnessWaitMs + 2000);
  });

  it('a resourceVersion the store reaches during the wait is served', async () => {
    const { revision } = await etcdState(api.etcd, api.prefix);
    const next = Number(revision) + 1;
    const list = request<{ metadata: { resourceVersion: string } }>(
      api.url,
      'GET',
      `${pvcPath('default')}?resourceVersion=${next}`,
    );
    expect((await request(api.url, 'POST', pvcPath('default'), pvc('reaches'))).status).to.equal(201);
    const res = await list;
    expect(res.status, res.text).to.equal(200);
    expect(Number(res.body.metadata.resourceVersion)).to.be.at.least(next);
  });

  it('a Content-Length longer than the body is a 408 Status within the body deadline, and the connection closes', async () => {
    const before = await etcdState(api.etcd, api.prefix);
    const body = JSON.stringify(pvc('short'));
    const head = `POST ${pvcPath('default')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\n\r\n`;
    const r = await rawExchange(api.server.port, head + body, testBodyReadTimeoutMs + 5000);
    expect(r.closed, `connection still open after ${r.ms} ms; got ${r.text}`).to.equal(true);
    expect(r.text).to.match(/^HTTP\/1\.1 408 /);
    expect(r.text).to.include('"kind":"Status"');
    expect(r.ms).to.be.within(testBodyReadTimeoutMs - 50, testBodyReadTimeoutMs + 3000);
    expect(await etcdState(api.etcd, api.prefix)).to.deep.equal(before);
    expect((await request(api.url, 'GET', pvcPath('default', 'victim'))).status, 'server keeps serving').to.equal(200);
  });

  it('no Content-Type on a JSON body is read as JSON (as kube-apiserver)', async () => {
    const res = await fetch(`${api.url}${pvcPath('default')}`, {
      method: 'POST',
      body: new Blob([JSON.stringify(pvc('untyped'))]),
    });
    expect(res.status, await res.text()).to.equal(201);
  });
});
