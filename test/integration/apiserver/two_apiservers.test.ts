/**
 * Two apiservers on one etcd (the HA shape: stateless replicas over one Raft cluster) agree:
 * writes through either are seen in order and exactly once by watches through both; each
 * serves its watches from its own watch cache (one keeps serving when the other stops); and
 * a resourceVersion answered by one is valid on the other (list at it, exact or not older
 * than, and watch from it).
 */
import { expect } from 'chai';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { openWatch, request, type WatchStream } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { widget, widgetCrd } from '../apiextensions/fixtures';

const base = '/api/v1/namespaces/default/persistentvolumeclaims';

function claim(name: string) {
  return {
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'none', resources: { requests: { storage: '1Mi' } } },
  };
}

interface Meta {
  metadata: { name: string; resourceVersion: string };
}

/** The ADDED/MODIFIED/DELETED events of a watch as "TYPE name@rv" (bookmarks left out). */
function seen(w: WatchStream): string[] {
  return w.events
    .filter((e) => e.type !== 'BOOKMARK')
    .map((e) => `${e.type} ${String(e.object.metadata?.name)}@${String(e.object.metadata?.resourceVersion)}`);
}

describe('integration: two apiservers on one etcd', function () {
  this.timeout(60_000);
  let a: TestApiServer;
  let b: TestApiServer;

  beforeEach(async () => {
    a = await startApiServer();
    b = await startApiServer({ prefix: a.prefix });
  });
  afterEach(async () => {
    await a.stop().catch(() => undefined);
    await b.stop();
  });

  it('writes through either apiserver are watched through both in order, exactly once', async () => {
    const list = await request<Meta>(a.url, 'GET', base);
    const rv = list.body.metadata.resourceVersion;
    const wa = await openWatch(a.url, `${base}?resourceVersion=${rv}`);
    const wb = await openWatch(b.url, `${base}?resourceVersion=${rv}`);
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const via = i % 2 === 0 ? a : b;
      const r = await request<Meta>(via.url, 'POST', base, claim(`c-${i}`));
      expect(r.status, r.text).to.equal(201);
      expected.push(`ADDED c-${i}@${r.body.metadata.resourceVersion}`);
    }
    // A delete through b of an object created through a.
    const del = await request<Meta>(b.url, 'DELETE', `${base}/c-0`);
    expect(del.status, del.text).to.equal(200);
    expected.push(`DELETED c-0@${del.body.metadata.resourceVersion}`);
    await wa.waitFor(expected.length);
    await wb.waitFor(expected.length);
    expect(seen(wa)).to.deep.equal(expected);
    expect(seen(wb)).to.deep.equal(expected);
    wa.close();
    wb.close();
  });

  it('a resourceVersion answered by one is valid on the other: list at it and watch from it', async () => {
    const before = await request<Meta>(a.url, 'POST', base, claim('first'));
    const created = await request<Meta>(a.url, 'POST', base, claim('second'));
    expect(created.status).to.equal(201);
    const rv = created.body.metadata.resourceVersion;
    // Not older than rv: b waits until it has seen rv, so the claim is there.
    const atLeast = await request<{ items: Meta[] }>(b.url, 'GET', `${base}?resourceVersion=${rv}`);
    expect(atLeast.status, atLeast.text).to.equal(200);
    expect(atLeast.body.items.map((i) => i.metadata.name)).to.include.members(['first', 'second']);
    // Exact: the state at the first create's revision, which b never answered itself.
    const exact = await request<{ items: Meta[]; metadata: Meta['metadata'] }>(
      b.url,
      'GET',
      `${base}?resourceVersion=${before.body.metadata.resourceVersion}&resourceVersionMatch=Exact`,
    );
    expect(exact.status, exact.text).to.equal(200);
    expect(exact.body.items.map((i) => i.metadata.name)).to.deep.equal(['first']);
    // A watch through b from a's revision of the first create starts right after it.
    const w = await openWatch(b.url, `${base}?resourceVersion=${before.body.metadata.resourceVersion}`);
    expect(w.status).to.equal(200);
    await w.waitFor(1);
    expect(seen(w)).to.deep.equal([`ADDED second@${rv}`]);
    w.close();
  });

  it('each apiserver keeps its own watch cache: b serves watches and rv=0 lists after a is stopped', async () => {
    const list = await request<Meta>(b.url, 'GET', base);
    const wb = await openWatch(b.url, `${base}?resourceVersion=${list.body.metadata.resourceVersion}`);
    const r1 = await request<Meta>(a.url, 'POST', base, claim('via-a'));
    expect(r1.status).to.equal(201);
    await a.stop();
    const r2 = await request<Meta>(b.url, 'POST', base, claim('via-b'));
    expect(r2.status).to.equal(201);
    await wb.waitFor(2);
    expect(seen(wb)).to.deep.equal([
      `ADDED via-a@${r1.body.metadata.resourceVersion}`,
      `ADDED via-b@${r2.body.metadata.resourceVersion}`,
    ]);
    // resourceVersion=0 is served from b's cache: it holds a's write too.
    await waitFor(
      async () => {
        const cached = await request<{ items: Meta[] }>(b.url, 'GET', `${base}?resourceVersion=0`);
        return cached.body.items.some((i) => i.metadata.name === 'via-a');
      },
      5000,
      "b's cache to hold a's write",
    );
    wb.close();
  });

  it('a CRD created through one apiserver is served by the other, and its objects are shared', async () => {
    const crd = await request(a.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
    expect(crd.status, crd.text).to.equal(201);
    const widgets = '/apis/example.com/v1/namespaces/default/widgets';
    const t0 = Date.now();
    // b learns of the CRD from its own watch of the CRD store (no request to a).
    await waitFor(async () => (await request(b.url, 'GET', widgets)).status === 200, 10_000, 'b to serve widgets');
    const servedAfterMs = Date.now() - t0;
    expect(servedAfterMs, 'b serves the CRD within 5 s (ms)').to.be.below(5000);
    const created = await request<Meta>(b.url, 'POST', widgets, widget('w1', { size: 'small', replicas: 1 }));
    expect(created.status, created.text).to.equal(201);
    const got = await request<Meta>(a.url, 'GET', `${widgets}/w1`);
    expect(got.status, got.text).to.equal(200);
    expect(got.body.metadata.resourceVersion).to.equal(created.body.metadata.resourceVersion);
    const disc = await request<{ resources: { name: string }[] }>(b.url, 'GET', '/apis/example.com/v1');
    expect(disc.body.resources.map((r) => r.name)).to.include('widgets');
    // Deleted through b: a stops serving it too.
    const del = await request(
      b.url,
      'DELETE',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
    );
    expect(del.status, del.text).to.be.oneOf([200, 202]);
    await waitFor(
      async () => (await request(a.url, 'GET', widgets)).status === 404,
      10_000,
      'a to stop serving widgets',
    );
  });
});
