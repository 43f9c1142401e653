/**
 * The apiserver binary rides out etcd being killed (SIGKILL) again and again while 40 clients
 * create claims: it never dies, every create it acknowledged is stored, and a watch opened
 * before the faults sees each acknowledged create exactly once, in order, without a 410 (the
 * watch resumes from the last revision it delivered; nothing was compacted).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../helpers/cluster';
import { openWatch, request } from '../../helpers/http';
import { PrivateEtcd } from '../../helpers/private_etcd';
import { waitFor } from '../../helpers/wait';

const bin = path.resolve(__dirname, '../../../cmd/kube-apiserver/main.js');
const restarts = Number(process.env.ETCD_FAULT_RESTARTS ?? 8);

describe('e2e: kube-apiserver under etcd kill -9', function () {
  this.timeout(240_000);

  it(`survives ${restarts} etcd kill -9 during 40 concurrent creates; acknowledged creates are stored and watched once`, async () => {
    const etcd = new PrivateEtcd();
    await etcd.start();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let stderr = '';
    const api = spawn(
      process.execPath,
      [
        bin,
        `--etcd-servers=${etcd.endpoint}`,
        `--port=${port}`,
        '--secure-port=0',
        '--etcd-request-timeout=2s',
        '--disable-admission-plugins=StorageObjectInUseProtection',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    api.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const base = '/api/v1/namespaces/default/persistentvolumeclaims';
    try {
      await waitFor(
        async () => (await request(url, 'GET', '/readyz').catch(() => undefined))?.status === 200,
        30_000,
        'apiserver ready',
      );
      const list = await request<{ metadata: { resourceVersion: string } }>(url, 'GET', base);
      const watch = await openWatch(
        url,
        `${base}?resourceVersion=${list.body.metadata.resourceVersion}&allowWatchBookmarks=false`,
      );

      const acknowledged = new Map<string, number>();
      let n = 0;
      let running = true;
      const client = async (): Promise<void> => {
        while (running) {
          const name = `c-${n++}`;
          const claim = {
            metadata: { name },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: 'none',
              resources: { requests: { storage: '1Mi' } },
            },
          };
          const r = await request<{ metadata?: { resourceVersion?: string } }>(url, 'POST', base, claim).catch(
            () => undefined,
          );
          if (r?.status === 201) acknowledged.set(name, Number(r.body.metadata?.resourceVersion));
          else if (r && r.status < 500) throw new Error(`create ${name}: unexpected ${r.status} ${r.text}`);
          else await new Promise((res) => setTimeout(res, 20)); // etcd is down: 503/504, back off a little
        }
      };
      const clients = Array.from({ length: 40 }, () => client());

      for (let i = 0; i < restarts; i++) {
        const before = acknowledged.size;
        await waitFor(() => acknowledged.size >= before + 50, 30_000, `creates resume after restart ${i}`);
        await etcd.stop();
        await etcd.start();
      }
      const last = acknowledged.size;
      await waitFor(() => acknowledged.size >= last + 50, 30_000, 'creates after the last restart');
      running = false;
      await Promise.all(clients);

      expect(api.exitCode, stderr).to.equal(null);
      const stored = await request<{ items: { metadata: { name: string } }[] }>(url, 'GET', base);
      const names = new Set(stored.body.items.map((i) => i.metadata.name));
      for (const name of acknowledged.keys()) expect(names.has(name), `acknowledged ${name} stored`).to.equal(true);

      await waitFor(
        () =>
          acknowledged.size > 0 &&
          [...acknowledged.keys()].every((k) => watch.events.some((e) => e.object.metadata?.name === k)),
        30_000,
        'every acknowledged create watched',
      );
      const watched = watch.events.map((e) => {
        expect(e.type, JSON.stringify(e.object)).to.equal('ADDED');
        return { name: String(e.object.metadata?.name), rv: Number(e.object.metadata?.resourceVersion) };
      });
      expect(new Set(watched.map((w) => w.name)).size, 'no event twice').to.equal(watched.length);
      for (let i = 1; i < watched.length; i++) expect(watched[i]?.rv ?? 0).to.be.greaterThan(watched[i - 1]?.rv ?? 0);
      expect(watch.ended(), 'the watch was never closed').to.equal(false);
      watch.close();
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
      await etcd.destroy();
    }
  });
});
