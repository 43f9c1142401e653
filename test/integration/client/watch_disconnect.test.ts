/**
 * The apiserver watch path must not leak a watch whose client goes away (or whose server
 * stops) while the watch is still being registered (the registration waits on etcd): the
 * cache watcher, its timeout and its bookmark timer must all go, or the process never exits
 * and the fan-out keeps writing into a dead socket.
 */
import { expect } from 'chai';
import http from 'node:http';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';

describe('apiserver watch path: clients that vanish while their watch registers', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  let cs: Clientset;

  before(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 1000 });
    cs = new Clientset({ server: api.url, qps: 0 });
  });
  after(async () => {
    cs?.close();
    await api?.stop();
  });

  /** Sends a watch request and destroys the connection `afterMs` after the request was written. */
  function watchAndVanish(path: string, afterMs: number): Promise<void> {
    return new Promise((resolve) => {
      const req = http.request(`${api.url}${path}`, { agent: false });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        req.destroy();
        resolve();
      });
      req.on('finish', () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, afterMs);
      });
      req.end();
    });
  }

  it('no cache watcher and no open-watch count is left behind by 200 clients that disconnect at once', async () => {
    const cache = api.server.store('', 'persistentvolumeclaims').cache;
    const rv = (await cs.persistentVolumeClaims.list('default')).metadata.resourceVersion ?? '';
    const path = `/api/v1/namespaces/default/persistentvolumeclaims?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=600`;
    const waves = Array.from({ length: 200 }, (_, i) => watchAndVanish(path, i % 4));
    await Promise.all(waves);
    const openWatches = async (): Promise<number> => {
      const m = /apiserver_registered_watchers\{resource="persistentvolumeclaims"\} (-?\d+)/.exec(
        await (await fetch(`${api.url}/metrics`)).text(),
      );
      return Number(m?.[1] ?? 0);
    };
    // Registrations still in flight count 0 too, so require 0 to hold for a while: each one
    // takes a single etcd round trip (milliseconds); a leaked one never goes away.
    let zeroSince = 0;
    let last = '';
    await waitFor(
      async () => {
        const open = await openWatches();
        last = `${cache.watcherCount} cache watchers, ${open} open watches`;
        if (cache.watcherCount !== 0 || open !== 0) zeroSince = 0;
        else zeroSince ||= Date.now();
        return zeroSince > 0 && Date.now() - zeroSince >= 1000;
      },
      15_000,
      'no watch left behind',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
    expect(await openWatches()).to.equal(0);
  });
});
