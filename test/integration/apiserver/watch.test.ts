import { expect } from 'chai';
import { openWatch, request } from '../../helpers/http';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { etcdEndpoints } from '../../helpers/etcd';
import { pvc, pvcPath } from './fixtures';

type List = { metadata: { resourceVersion: string }; items: unknown[] };

async function etcdWatchers(): Promise<number> {
  const text = await (await fetch(`${etcdEndpoints()[0] ?? ''}/metrics`)).text();
  const m = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(text);
  return Number(m?.[1] ?? NaN);
}

describe('apiserver: watch', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 200 });
    await request(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'w' } });
  });
  after(async () => api.stop());

  it('a watch from a list resourceVersion misses no write made in between, exactly once and in order', async () => {
    await request(api.url, 'POST', pvcPath('w'), pvc('before'));
    const list = (await request<List>(api.url, 'GET', pvcPath('w'))).body;
    for (let i = 0; i < 10; i++) await request(api.url, 'POST', pvcPath('w'), pvc(`between-${i}`));
    const w = await openWatch(api.url, `${pvcPath('w')}?resourceVersion=${list.metadata.resourceVersion}`);
    for (let i = 0; i < 5; i++) await request(api.url, 'POST', pvcPath('w'), pvc(`after-${i}`));
    await request(api.url, 'DELETE', pvcPath('w', 'between-0'));
    await w.waitFor(16);
    const names = w.events.map((e) => `${e.type}:${String(e.object.metadata?.name)}`);
    expect(names.slice(0, 10)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `ADDED:between-${i}`));
    expect(names.slice(10, 15)).to.deep.equal(Array.from({ length: 5 }, (_, i) => `ADDED:after-${i}`));
    expect(names[15]).to.equal('DELETED:between-0');
    const rvs = w.events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).to.deep.equal(rvs);
    expect(new Set(rvs).size).to.equal(rvs.length);
    w.close();
  });

  it('resourceVersion unset sends ADDED for every existing object first', async () => {
    const list = (await request<List>(api.url, 'GET', pvcPath('w'))).body;
    const w = await openWatch(api.url, pvcPath('w'));
    await w.waitFor(list.items.length);
    expect(w.events.slice(0, list.items.length).every((e) => e.type === 'ADDED')).to.equal(true);
    await request(api.url, 'POST', pvcPath('w'), pvc('live-1'));
    await w.waitFor(list.items.length + 1);
    expect(w.events[list.items.length]?.object.metadata?.name).to.equal('live-1');
    w.close();
  });

  it('a label-selected watch sees objects move into (ADDED) and out of (DELETED) the selector', async () => {
    const w = await openWatch(
      api.url,
      `${pvcPath('w')}?labelSelector=tier%3Dgold&resourceVersion=${(await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion}`,
    );
    await request(api.url, 'POST', pvcPath('w'), pvc('mover'));
    const patch = (labels: unknown) =>
      request(
        api.url,
        'PATCH',
        pvcPath('w', 'mover'),
        { metadata: { labels } },
        { 'Content-Type': 'application/merge-patch+json' },
      );
    await patch({ tier: 'gold' });
    await patch({ tier: 'gold', other: 'x' });
    await patch({ tier: 'silver' });
    await w.waitFor(3);
    expect(w.events.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
    w.close();
  });

  it('sends BOOKMARK events when allowed', async () => {
    const rv = (await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion;
    const w = await openWatch(api.url, `${pvcPath('w')}?resourceVersion=${rv}&allowWatchBookmarks=true`);
    await w.waitFor(1);
    expect(w.events[0]?.type).to.equal('BOOKMARK');
    expect(Number(w.events[0]?.object.metadata?.resourceVersion)).to.be.at.least(Number(rv));
    w.close();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const rv = (await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion;
    const w = await openWatch(api.url, `${pvcPath('w')}?resourceVersion=${rv}&timeoutSeconds=1`);
    await w.waitEnd(5000);
    expect(w.ended()).to.equal(true);
  });

  it('a compacted resourceVersion is one ERROR event (410 Expired) on a 200 stream, as kube-apiserver answers', async () => {
    const old = (await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion;
    await request(api.url, 'POST', pvcPath('w'), pvc('compact-1'));
    await request(api.url, 'POST', pvcPath('w'), pvc('compact-2'));
    await api.etcd.compact(await api.etcd.currentRevision());
    const w = await openWatch(api.url, `${pvcPath('w')}?resourceVersion=${old}`);
    expect(w.status).to.equal(200);
    await w.waitEnd();
    expect(w.events.map((e) => e.type)).to.deep.equal(['ERROR']);
    expect(w.events[0]?.object).to.include({ kind: 'Status', code: 410, reason: 'Expired' });
    const list = await request(api.url, 'GET', `${pvcPath('w')}?resourceVersion=${old}&resourceVersionMatch=Exact`);
    expect(list.status).to.equal(410);
  });

  it('fans one etcd watch out to 50 clients; every client gets every event', async () => {
    const rv = (await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion;
    const before = await etcdWatchers();
    const watches = await Promise.all(
      Array.from({ length: 50 }, () => openWatch(api.url, `${pvcPath('w')}?resourceVersion=${rv}`)),
    );
    for (let i = 0; i < 20; i++) await request(api.url, 'POST', pvcPath('w'), pvc(`fan-${i}`));
    await Promise.all(watches.map((w) => w.waitFor(20)));
    for (const w of watches) {
      expect(w.events.map((e) => e.object.metadata?.name)).to.deep.equal(
        Array.from({ length: 20 }, (_, i) => `fan-${i}`),
      );
    }
    expect(await etcdWatchers()).to.equal(before);
    watches.forEach((w) => w.close());
  });

  it('watches a single object by name (fieldSelector metadata.name)', async () => {
    const rv = (await request<List>(api.url, 'GET', pvcPath('w'))).body.metadata.resourceVersion;
    const w = await openWatch(api.url, `${pvcPath('w')}?fieldSelector=metadata.name%3Done&resourceVersion=${rv}`);
    await request(api.url, 'POST', pvcPath('w'), pvc('other'));
    await request(api.url, 'POST', pvcPath('w'), pvc('one'));
    await w.waitFor(1);
    expect(w.events.map((e) => e.object.metadata?.name)).to.deep.equal(['one']);
    w.close();
  });
});
