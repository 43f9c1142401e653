import { expect } from 'chai';
import { request } from '../../helpers/http';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { pvc, pvcPath } from './fixtures';

describe('apiserver: optimistic concurrency', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  it('N concurrent PUTs carrying the same resourceVersion: exactly one 200, the rest 409', async () => {
    const created = await request<{ metadata: Record<string, unknown> }>(
      api.url,
      'POST',
      pvcPath('default'),
      pvc('race-put'),
    );
    const base = created.body;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(api.url, 'PUT', pvcPath('default', 'race-put'), {
          ...base,
          metadata: { ...base.metadata, labels: { writer: String(i) } },
        }),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).to.have.length(1);
    expect(codes.filter((c) => c === 409)).to.have.length(19);
  });

  it('N concurrent creates of one name: exactly one 201', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => request(api.url, 'POST', pvcPath('default'), pvc('race-create'))),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 201)).to.have.length(1);
    expect(codes.filter((c) => c === 409)).to.have.length(19);
  });

  it('concurrent merge patches (server-side read-modify-write) all land', async () => {
    await request(api.url, 'POST', pvcPath('default'), pvc('race-patch'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(
          api.url,
          'PATCH',
          pvcPath('default', 'race-patch'),
          { metadata: { labels: { [`l${i}`]: 'x' } } },
          { 'Content-Type': 'application/merge-patch+json' },
        ),
      ),
    );
    expect(results.every((r) => r.status === 200)).to.equal(true);
    const got = await request<{ metadata: { labels: Record<string, string> } }>(
      api.url,
      'GET',
      pvcPath('default', 'race-patch'),
    );
    expect(Object.keys(got.body.metadata.labels)).to.have.length(20);
  });
});
