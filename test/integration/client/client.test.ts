/**
 * The typed REST client against a real apiserver on real etcd: Status errors and their
 * predicates, watches (label selectors, stop, server timeout), client-side rate limiting, and
 * request timeouts (against a server that never answers).
 */
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { isAlreadyExists, isConflict, isGone, isInvalid, isNotFound, StatusError } from '../../../pkg/api/errors';
import { type Status, StatusReason, type WatchEvent } from '../../../pkg/api/meta';
import { Clientset } from '../../../pkg/client/clientset';
import type { Watch } from '../../../pkg/client/resource_client';
import { RestClient } from '../../../pkg/client/rest';
import { SharedInformerFactory } from '../../../pkg/informer/factory';
import { silentLogger } from '../../../pkg/log/logger';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import { pvc } from '../informer/harness';

const ns = 'client-it';

/** Collects a watch's events in the background; `ended`/`error` tell how it finished. */
function follow<T>(w: Watch<T>): { events: WatchEvent<T>[]; ended: () => boolean; error: () => unknown } {
  const events: WatchEvent<T>[] = [];
  let ended = false;
  let error: unknown;
  void (async () => {
    try {
      for await (const ev of w.events) events.push(ev);
    } catch (err) {
      error = err;
    } finally {
      ended = true;
    }
  })();
  return { events, ended: () => ended, error: () => error };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('client: typed REST client against a real apiserver', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  let cs: Clientset;
  const claims = (): Clientset['persistentVolumeClaims'] => cs.persistentVolumeClaims;

  before(async () => {
    api = await startApiServer();
    cs = new Clientset({ server: api.url, qps: 0 });
    await cs.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(async () => {
    cs?.close();
    await api?.stop();
  });

  describe('Status errors', () => {
    it('get of a missing object: isNotFound, code 404, details name the object', async () => {
      const err = await rejection(claims().get('nope', ns));
      expect(err).to.be.instanceOf(StatusError);
      expect(isNotFound(err)).to.equal(true);
      expect([isAlreadyExists(err), isConflict(err), isGone(err), isInvalid(err)]).to.deep.equal([
        false,
        false,
        false,
        false,
      ]);
      expect((err as StatusError).code).to.equal(404);
      expect((err as StatusError).status.details?.name).to.equal('nope');
    });

    it('create of an existing name: isAlreadyExists (409)', async () => {
      await claims().create(pvc(ns, 'dup'));
      const err = await rejection(claims().create(pvc(ns, 'dup')));
      expect(isAlreadyExists(err)).to.equal(true);
      expect(isConflict(err)).to.equal(false);
      expect((err as StatusError).code).to.equal(409);
    });

    it('update with a stale resourceVersion: isConflict (409)', async () => {
      const created = await claims().create(pvc(ns, 'stale'));
      await claims().update({ ...created, metadata: { ...created.metadata, labels: { v: '2' } } });
      const err = await rejection(
        claims().update({ ...created, metadata: { ...created.metadata, labels: { v: '3' } } }),
      );
      expect(isConflict(err)).to.equal(true);
      expect(isAlreadyExists(err)).to.equal(false);
    });

    it('an invalid object: isInvalid (422) with field causes', async () => {
      const bad: PersistentVolumeClaim = {
        ...pvc(ns, 'Not_A_Valid_Name'),
        spec: { accessModes: [], resources: { requests: {} } },
      };
      const err = await rejection(claims().create(bad));
      expect(isInvalid(err)).to.equal(true);
      expect((err as StatusError).code).to.equal(422);
      expect((err as StatusError).status.details?.causes?.length ?? 0).to.be.greaterThan(0);
    });

    it('a watch from a compacted resourceVersion: one ERROR event carrying a 410 Expired Status (isGone), then the stream ends', async () => {
      const rv = (await claims().list(ns)).metadata.resourceVersion ?? '';
      await claims().create(pvc(ns, 'after-rv'));
      await api.etcd.compact(await api.etcd.currentRevision());
      const w = await claims().watch(ns, { resourceVersion: rv });
      const seen = follow(w);
      await waitFor(seen.ended, 5000, 'the expired watch to end');
      expect(seen.error()).to.equal(undefined);
      expect(seen.events.map((e) => e.type)).to.deep.equal(['ERROR']);
      const err = StatusError.fromStatus(seen.events[0]?.object as unknown as Status);
      expect(isGone(err)).to.equal(true);
      expect([err.code, err.reason]).to.deep.equal([410, StatusReason.Expired]);
    });

    it('update, updateStatus, patch and delete round-trip through the typed client', async () => {
      const created = await claims().create(pvc(ns, 'crud'));
      const patched = await claims().patch('crud', ns, 'application/merge-patch+json', {
        metadata: { labels: { p: '1' } },
      });
      expect(patched.metadata.labels).to.deep.include({ p: '1' });
      const withStatus = await claims().updateStatus({ ...patched, status: { phase: 'Pending' } });
      expect(withStatus.status?.phase).to.equal('Pending');
      expect(Number(withStatus.metadata.resourceVersion)).to.be.greaterThan(Number(created.metadata.resourceVersion));
      await claims().delete('crud', ns);
      expect(isNotFound(await rejection(claims().get('crud', ns)))).to.equal(true);
    });
  });

  describe('watches', () => {
    it('a label-selected watch sees objects enter (ADDED), change (MODIFIED) and leave (DELETED) the selector, and nothing else', async () => {
      const rv = (await claims().list(ns)).metadata.resourceVersion ?? '';
      const w = await claims().watch(ns, { labelSelector: 'tier=gold', resourceVersion: rv });
      const seen = follow(w);
      const relabel = (name: string, labels: Record<string, string | null>): Promise<PersistentVolumeClaim> =>
        claims().patch(name, ns, 'application/merge-patch+json', { metadata: { labels } });
      await claims().create(pvc(ns, 'gold-1', { tier: 'gold' }));
      await claims().create(pvc(ns, 'silver-1', { tier: 'silver' }));
      await claims().create(pvc(ns, 'mover'));
      await relabel('mover', { tier: 'gold' });
      await relabel('mover', { tier: 'gold', extra: 'x' });
      await relabel('silver-1', { other: 'y' });
      await relabel('mover', { tier: 'bronze' });
      await claims().delete('gold-1', ns);
      await claims().delete('silver-1', ns);
      await waitFor(() => seen.events.length >= 5, 5000, 'five selected events');
      w.stop();
      await waitFor(seen.ended, 2000, 'the watch to end after stop()');
      expect(seen.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).to.deep.equal([
        'ADDED gold-1',
        'ADDED mover',
        'MODIFIED mover',
        'DELETED mover',
        'DELETED gold-1',
      ]);
      expect(seen.error(), 'stop() ends the iteration without an error').to.equal(undefined);
    });

    it('a label-selected informer caches exactly the matching objects as labels change', async () => {
      const ac = new AbortController();
      const factory = new SharedInformerFactory(cs, { logger: silentLogger() });
      const informer = factory.persistentVolumeClaims({ namespace: ns, labelSelector: 'team=a' });
      factory.start(ac.signal);
      try {
        expect(await factory.waitForCacheSync(AbortSignal.timeout(5000))).to.equal(true);
        for (let i = 0; i < 6; i++) await claims().create(pvc(ns, `team-${i}`, { team: i % 2 === 0 ? 'a' : 'b' }));
        await claims().patch('team-1', ns, 'application/merge-patch+json', { metadata: { labels: { team: 'a' } } });
        await claims().patch('team-0', ns, 'application/merge-patch+json', { metadata: { labels: { team: 'b' } } });
        await claims().delete('team-2', ns);
        const want = (await claims().list(ns, { labelSelector: 'team=a' })).items
          .map((o) => `${o.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}`)
          .sort();
        expect(want.map((s) => s.split('@')[0])).to.deep.equal(['team-1', 'team-4']);
        const got = (): string[] =>
          informer
            .lister()
            .list()
            .map((o) => `${o.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}`)
            .sort();
        await waitFor(() => JSON.stringify(got()) === JSON.stringify(want), 5000, 'the selected cache to match');
      } finally {
        ac.abort();
        await factory.stopped();
      }
    });

    it('a watch the server ends (timeoutSeconds) ends the iteration cleanly', async () => {
      const rv = (await claims().list(ns)).metadata.resourceVersion ?? '';
      const w = await claims().watch(ns, { resourceVersion: rv, timeoutSeconds: 1 });
      const seen = follow(w);
      await waitFor(seen.ended, 5000, 'the server to end the watch');
      expect(seen.error()).to.equal(undefined);
    });

    it('the request timeout does not apply to watches: an idle watch outlives it and still delivers', async () => {
      const slowCs = new Clientset({ server: api.url, qps: 0, timeoutMs: 200 });
      try {
        const rv = (await slowCs.persistentVolumeClaims.list(ns)).metadata.resourceVersion ?? '';
        const w = await slowCs.persistentVolumeClaims.watch(ns, { resourceVersion: rv });
        const seen = follow(w);
        const openedAt = Date.now();
        // The premise of the test is an idle period longer than the timeout, not synchronisation.
        await waitFor(() => Date.now() - openedAt > 600, 2000, 'three request timeouts to pass');
        expect(seen.ended(), 'still open').to.equal(false);
        await claims().create(pvc(ns, 'late-event'));
        await waitFor(() => seen.events.some((e) => e.object.metadata.name === 'late-event'), 5000, 'the late event');
        w.stop();
        await waitFor(seen.ended, 2000, 'stop');
        expect(seen.error()).to.equal(undefined);
      } finally {
        slowCs.close();
      }
    });
  });

  describe('client-side rate limit', () => {
    it('qps/burst spread requests out: burst at once, the rest at qps', async () => {
      const limited = new Clientset({ server: api.url, qps: 10, burst: 2 });
      try {
        const start = performance.now();
        await Promise.all(Array.from({ length: 6 }, () => limited.namespaces.get(ns)));
        const elapsed = performance.now() - start;
        // 2 at once, then 4 more at 10/s: ~400 ms.
        expect(elapsed).to.be.at.least(350);
        expect(elapsed).to.be.lessThan(3000);
      } finally {
        limited.close();
      }
    });
  });
});

describe('client: request timeouts', () => {
  let server: net.Server;
  let url: string;
  const sockets = new Set<net.Socket>();

  before(async () => {
    // Accepts connections and reads requests, but never answers.
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a request to a server that never answers fails with a 504 Timeout StatusError after timeoutMs, and frees its connection', async () => {
    const client = new RestClient({ server: url, qps: 0, timeoutMs: 250 });
    const start = performance.now();
    const err = await rejection(client.request('GET', '/api/v1/namespaces'));
    const elapsed = performance.now() - start;
    client.close();
    expect(err).to.be.instanceOf(StatusError);
    expect((err as StatusError).code).to.equal(504);
    expect((err as StatusError).reason).to.equal(StatusReason.Timeout);
    expect(elapsed).to.be.at.least(200);
    expect(elapsed).to.be.lessThan(3000);
    await waitFor(() => sockets.size === 0, 2000, 'the timed-out connection to be closed');
  });

  it('a per-request timeoutMs overrides the client default', async () => {
    const client = new RestClient({ server: url, qps: 0, timeoutMs: 60_000 });
    const start = performance.now();
    const err = await rejection(client.request('GET', '/x', { timeoutMs: 150 }));
    client.close();
    expect((err as StatusError).reason).to.equal(StatusReason.Timeout);
    expect(performance.now() - start).to.be.lessThan(3000);
  });

  it('the timeout bounds the whole exchange: a server that answers at once but trickles the body is cut off', async () => {
    const trickler = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"a":"');
      const t = setInterval(() => res.write('x'), 50);
      req.on('close', () => clearInterval(t));
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((resolve) => trickler.listen(0, '127.0.0.1', resolve));
    const client = new RestClient({
      server: `http://127.0.0.1:${(trickler.address() as AddressInfo).port}`,
      qps: 0,
      timeoutMs: 300,
    });
    const start = performance.now();
    const err = await rejection(client.request('GET', '/slow'));
    const elapsed = performance.now() - start;
    client.close();
    await new Promise<void>((resolve) => {
      trickler.close(() => resolve());
      trickler.closeAllConnections();
    });
    expect(err).to.be.instanceOf(StatusError);
    expect((err as StatusError).reason).to.equal(StatusReason.Timeout);
    expect(elapsed).to.be.lessThan(2000);
  });

  it('an aborted request rejects promptly', async () => {
    const client = new RestClient({ server: url, qps: 0, timeoutMs: 60_000 });
    const ac = new AbortController();
    const p = rejection(client.request('GET', '/x', { signal: ac.signal }));
    ac.abort();
    const err = await p;
    client.close();
    expect(err).to.be.instanceOf(Error);
  });
});
