/**
 * @kubernetes/client-node (unmodified, 1.4.x) against the apiserver: `makeInformer` over the
 * PVCs of a namespace, reading a TLS kubeconfig file (the CA and an admin client certificate).
 * The informer talks to the apiserver's secure port through WatchProxy (which admits only a
 * client certificate of the CA), which forwards everything as is and records each watch, so the tests can check
 * the protocol (what was streamed, who ended each watch) and hold a re-watch back while they
 * change things.
 *
 * Checked: add/update/delete exactly once per change and no `error` event; server-side watch
 * closes (the server's watch timeout, an apiserver restart on the same port) resume from the
 * informer's resourceVersion with no relist and no duplicate adds; a re-watch from a compacted
 * resourceVersion gets a 410 (one ERROR event, as kube-apiserver sends it), relists, reports
 * the missed changes as add/update/delete, emits no `error`, and its cache equals the server's
 * list.
 */
import { expect } from 'chai';
import type { CoreV1Api, Informer, KubeConfig, ObjectCache, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import { ClientsPki, createNamespace, kube, names, pvc, pvcPath, versions, WatchProxy, type Obj } from './support';

type K8s = typeof import('@kubernetes/client-node');

/** An informer and everything its handlers saw. */
interface Recorded {
  informer: Informer<V1PersistentVolumeClaim> & ObjectCache<V1PersistentVolumeClaim>;
  adds: string[];
  updates: string[];
  deletes: string[];
  errors: unknown[];
  connects: number;
  /** Calls of the list function (1 = the initial list; more = relists). */
  lists: number;
}

const sorted = (xs: string[]): string[] => [...xs].sort();
const range = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

describe('e2e: @kubernetes/client-node informer', function () {
  this.timeout(60_000);

  let k8s: K8s;
  let api: TestApiServer;
  let proxy: WatchProxy;
  let pki: ClientsPki;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let running: Recorded[] = [];

  before(async () => {
    k8s = await import('@kubernetes/client-node');
    pki = new ClientsPki();
    api = await pki.start();
    proxy = new WatchProxy(api.server.secureUrl, pki);
    await proxy.start();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(pki.kubeconfig(proxy.url));
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterEach(async () => {
    for (const r of running) await r.informer.stop();
    running = [];
  });

  after(async () => {
    await proxy?.stop();
    await api?.stop();
    pki?.cleanup();
  });

  /** Starts an informer on the PVCs of `ns`; `watchQuery` is appended to the watch path. */
  async function startInformer(ns: string, watchQuery = ''): Promise<Recorded> {
    const rec: Omit<Recorded, 'informer'> = { adds: [], updates: [], deletes: [], errors: [], connects: 0, lists: 0 };
    const listFn = () => {
      rec.lists++;
      return core.listNamespacedPersistentVolumeClaim({ namespace: ns });
    };
    const informer = k8s.makeInformer(kc, pvcPath(ns) + watchQuery, listFn);
    const name = (o: V1PersistentVolumeClaim): string => o.metadata?.name ?? '';
    informer.on('add', (o) => rec.adds.push(name(o)));
    informer.on('update', (o) => rec.updates.push(name(o)));
    informer.on('delete', (o) => rec.deletes.push(name(o)));
    informer.on('error', (err) => rec.errors.push(err));
    informer.on('connect', () => rec.connects++);
    const r: Recorded = Object.assign(rec, { informer });
    running.push(r);
    await informer.start();
    return r;
  }

  const create = (ns: string, name: string): Promise<Obj> => kube(api.url, 'POST', pvcPath(ns), pvc(name));
  const patch = (ns: string, name: string, labels: Record<string, string>): Promise<Obj> =>
    kube(api.url, 'PATCH', pvcPath(ns, name), { metadata: { labels } }, 'application/merge-patch+json');
  const remove = (ns: string, name: string): Promise<Obj> => kube(api.url, 'DELETE', pvcPath(ns, name));
  const serverList = async (ns: string): Promise<Obj[]> => (await kube(api.url, 'GET', pvcPath(ns))).items ?? [];

  /** Creates `sentinel` and waits for its add: every earlier event has been handled by then. */
  async function drain(r: Recorded, ns: string, sentinel: string): Promise<void> {
    await create(ns, sentinel);
    await waitFor(() => r.adds.includes(sentinel), 10_000, `the add of ${sentinel}`);
  }

  /** The informer's cache holds exactly the server's objects at the server's versions. */
  async function expectCacheMatchesServer(r: Recorded, ns: string): Promise<void> {
    const server = await serverList(ns);
    const cached = r.informer.list(ns) as Obj[];
    expect(versions(cached), 'informer cache vs the server list (name → resourceVersion)').to.deep.equal(
      versions(server),
    );
  }

  /** Waits until the proxy has seen a watch of `ns` accepted (status 200) after `after` watches. */
  async function watchOpened(ns: string, after: number): Promise<void> {
    await waitFor(
      () =>
        proxy
          .watchesOf(pvcPath(ns))
          .slice(after)
          .some((w) => w.status === 200),
      10_000,
      `a watch of ${ns} after #${after}`,
    );
  }

  it('delivers add, update and delete exactly once for every change, with no error event', async () => {
    const ns = 'cn-events';
    await createNamespace(api.url, ns);
    const r = await startInformer(ns);
    await watchOpened(ns, 0);

    for (const n of range('c-', 0, 12)) await create(ns, n);
    for (const n of range('c-', 0, 6)) await patch(ns, n, { step: 'patched' });
    for (const n of range('c-', 4, 9)) await remove(ns, n);
    await waitFor(() => r.adds.length >= 12 && r.updates.length >= 6 && r.deletes.length >= 5, 10_000, 'every event');
    await drain(r, ns, 'sentinel');

    expect(r.errors, 'error events').to.deep.equal([]);
    expect(sorted(r.adds)).to.deep.equal(sorted([...range('c-', 0, 12), 'sentinel']));
    expect(sorted(r.updates)).to.deep.equal(range('c-', 0, 6));
    expect(sorted(r.deletes)).to.deep.equal(range('c-', 4, 9));
    expect(r.informer.get('c-0', ns)?.metadata?.labels).to.deep.include({ step: 'patched' });
    expect(r.informer.get('c-5', ns), 'a deleted object is gone from the cache').to.equal(undefined);
    expect(r.lists, 'one list, then one watch').to.equal(1);
    await expectCacheMatchesServer(r, ns);
  });

  it("resumes after the server's watch timeout closes the stream: same resourceVersion, no relist, no duplicate adds", async () => {
    const ns = 'cn-timeout';
    await createNamespace(api.url, ns);
    for (const n of range('r-', 0, 5)) await create(ns, n);
    // makeInformer sends no timeoutSeconds (the server then picks 30-60 min); put one in the
    // watch path so the server closes each watch after a second.
    const r = await startInformer(ns, '?timeoutSeconds=1');
    expect(sorted(r.adds)).to.deep.equal(range('r-', 0, 5));
    const watches = () => proxy.watchesOf(pvcPath(ns));
    const serverClosed = () => watches().filter((w) => w.endedBy === 'server').length;

    await waitFor(() => serverClosed() >= 2, 15_000, 'two server-side watch closes');
    await create(ns, 'r-new-1');
    await patch(ns, 'r-0', { step: 'patched' });
    const closedBefore = serverClosed();
    await waitFor(() => serverClosed() >= closedBefore + 2, 15_000, 'two more server-side watch closes');
    await create(ns, 'r-new-2');
    await remove(ns, 'r-1');
    await drain(r, ns, 'sentinel');

    expect(r.errors, 'error events').to.deep.equal([]);
    const gone = watches().filter((w) => w.events.some((e) => e.type === 'ERROR'));
    expect(
      r.lists,
      `resumed by re-watching, never relisted${gone.length ? ' (a 410: did another user of this etcd compact it?)' : ''}`,
    ).to.equal(1);
    expect(sorted(r.adds), 'each object added exactly once').to.deep.equal(
      sorted([...range('r-', 0, 5), 'r-new-1', 'r-new-2', 'sentinel']),
    );
    expect(r.updates).to.deep.equal(['r-0']);
    expect(r.deletes).to.deep.equal(['r-1']);

    const seen = watches();
    expect(seen.length).to.be.at.least(5);
    for (const w of seen) {
      const rv = w.query.get('resourceVersion') ?? '';
      expect(rv, 'every watch resumes from a resourceVersion').to.match(/^[1-9][0-9]*$/);
      expect(w.status).to.equal(200);
    }
    for (const w of seen.slice(0, -1)) expect(w.endedBy, 'ended by the server (timeout)').to.equal('server');
    // Each watch resumed from the last version the informer had: nothing was streamed twice.
    const added = seen.flatMap((w) =>
      w.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name ?? ''),
    );
    expect(sorted(added), 'ADDED events streamed across all watches').to.deep.equal(['r-new-1', 'r-new-2', 'sentinel']);
    const rvs = seen.map((w) => Number(w.query.get('resourceVersion')));
    expect(rvs, 'watch resourceVersions never go back').to.deep.equal([...rvs].sort((a, b) => a - b));
    await expectCacheMatchesServer(r, ns);
  });

  it('resumes after an apiserver restart on the same port closes the watch, without duplicate adds', async () => {
    const ns = 'cn-restart';
    await createNamespace(api.url, ns);
    for (const n of range('x-', 0, 4)) await create(ns, n);
    const r = await startInformer(ns);
    await watchOpened(ns, 0);
    const before = proxy.watchesOf(pvcPath(ns)).length;

    // Hold the informer's re-watch while the apiserver is down (a refused connection would be
    // an `error` event by client-node's design, not what this test is about).
    proxy.pause();
    const port = Number(new URL(api.url).port);
    const securePort = api.server.securePort;
    await api.stop();
    await waitFor(() => proxy.heldCount >= 1, 10_000, "the informer's re-watch");
    expect(proxy.watchesOf(pvcPath(ns))[before - 1]?.endedBy, 'the apiserver ended the watch').to.equal('server');
    api = await pki.start({ prefix: api.prefix, port, securePort });
    proxy.resume();
    await watchOpened(ns, before);

    await create(ns, 'after-restart');
    await remove(ns, 'x-0');
    await drain(r, ns, 'sentinel');

    expect(r.errors, 'error events').to.deep.equal([]);
    expect(sorted(r.adds), 'each object added exactly once').to.deep.equal(
      sorted([...range('x-', 0, 4), 'after-restart', 'sentinel']),
    );
    expect(r.deletes).to.deep.equal(['x-0']);
    expect(r.updates, 'nothing changed the existing objects').to.deep.equal([]);
    await expectCacheMatchesServer(r, ns);
  });

  it('re-watching from a compacted resourceVersion: 410 → relist, missed changes reported, no error event, cache equals the server', async () => {
    const ns = 'cn-compact';
    await createNamespace(api.url, ns);
    for (const n of range('k-', 0, 6)) await create(ns, n);
    const r = await startInformer(ns, '?timeoutSeconds=1');
    await watchOpened(ns, 0);
    expect(sorted(r.adds)).to.deep.equal(range('k-', 0, 6));

    // The server closes the watch (timeout); hold the informer's re-watch while its
    // resourceVersion falls behind a compaction.
    proxy.pause();
    await waitFor(() => proxy.heldCount >= 1, 10_000, "the informer's re-watch after the server's timeout");
    const watchesBefore = proxy.watchesOf(pvcPath(ns)).length;
    for (const n of range('k-', 6, 9)) await create(ns, n);
    await patch(ns, 'k-0', { step: 'gap' });
    await patch(ns, 'k-1', { step: 'gap' });
    await remove(ns, 'k-2');
    await remove(ns, 'k-3');
    const rev = await api.etcd.currentRevision();
    await api.etcd.compact(rev);
    proxy.resume();

    await waitFor(() => r.lists >= 2, 10_000, 'the relist after the 410');
    await waitFor(
      () => r.adds.length >= 9 && r.updates.length >= 2 && r.deletes.length >= 2,
      10_000,
      'the missed changes',
    );
    await drain(r, ns, 'sentinel');

    const resumed = proxy.watchesOf(pvcPath(ns))[watchesBefore];
    expect(
      Number(resumed?.query.get('resourceVersion')),
      "the held re-watch's resourceVersion is compacted",
    ).to.be.lessThan(rev);
    expect(resumed?.status, 'kube-apiserver answers a too-old resourceVersion with a 200 stream').to.equal(200);
    expect(resumed?.events.map((e) => e.type)).to.deep.equal(['ERROR']);
    expect(resumed?.events[0]?.object).to.include({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(resumed?.events[0]?.object.message).to.match(/too old resource version/);

    expect(r.errors, 'error events').to.deep.equal([]);
    expect(r.lists, 'exactly one relist').to.equal(2);
    expect(sorted(r.adds), 'each object added exactly once').to.deep.equal(sorted([...range('k-', 0, 9), 'sentinel']));
    expect(sorted(r.updates), 'the changed objects, once each').to.deep.equal(['k-0', 'k-1']);
    expect(sorted(r.deletes), 'the vanished objects, once each').to.deep.equal(['k-2', 'k-3']);
    expect(r.informer.get('k-0', ns)?.metadata?.labels).to.deep.include({ step: 'gap' });
    await expectCacheMatchesServer(r, ns);
    expect(names(r.informer.list(ns) as Obj[])).to.deep.equal(sorted(['k-0', 'k-1', ...range('k-', 4, 9), 'sentinel']));
  });
});
