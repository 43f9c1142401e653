/**
 * Hostile and confused clients against StatefulSets and their Scale over a real etcd: absurd
 * replicas (past int32, or strings, through the main resource, /status and /scale; a Scale is
 * decoded with field validation as any write), null items in typed
 * lists (a 400, never a 500 from a validator), `__proto__`/`constructor` keys, names whose
 * pods could not exist. After every bad request the store is unharmed: nothing was written,
 * nothing reached a prototype, and get, list and watch still work.
 */
import { expect } from 'chai';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { openWatch, request } from '../../helpers/http';
import { expectNoPollution } from '../../helpers/prototypes';

type Obj = {
  metadata: { name?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec: { replicas?: number; selector?: unknown };
  status?: Record<string, unknown>;
  message?: string;
  reason?: string;
  code?: number;
  items?: Obj[];
};

const stsPath = (name = '', sub = '') =>
  `/apis/apps/v1/namespaces/default/statefulsets${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

function statefulSet(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } },
      ...spec,
    },
  };
}

describe('apiserver: hostile StatefulSet and Scale requests', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
    const res = await request(api.url, 'POST', stsPath(), statefulSet('web'));
    expect(res.status, res.text).to.equal(201);
  });
  after(async () => api.stop());

  /** The stored set `web` is what it was, and reads and writes of it still work. */
  async function expectHealthy(): Promise<void> {
    const got = await request<Obj>(api.url, 'GET', stsPath('web'));
    expect(got.status, got.text).to.equal(200);
    expect(got.body.spec.replicas).to.be.within(0, 10);
    const list = await request<Obj>(api.url, 'GET', stsPath());
    expect(list.status).to.equal(200);
    const scaled = await request<Obj>(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas: 2 } }, mergePatch);
    expect(scaled.status, scaled.text).to.equal(200);
    expect(scaled.body.spec.replicas).to.equal(2);
  }

  const absurd = [2 ** 31, 2 ** 53, 1e300];

  for (const replicas of absurd) {
    it(`POST with replicas ${replicas} is a 400 (Go cannot decode it into an int32) and nothing is stored`, async () => {
      const name = `big-${String(replicas).length}`;
      const res = await request<Obj>(api.url, 'POST', stsPath(), statefulSet(name, { replicas }));
      expect(res.status, res.text).to.equal(400);
      expect(res.body.message).to.contain('spec.replicas: expected int32');
      expect((await request(api.url, 'GET', stsPath(name))).status).to.equal(404);
      await expectHealthy();
    });

    it(`scale to ${replicas} through PUT, merge patch and JSON patch is a 400 (as any int32 past its range); the set keeps its replicas`, async () => {
      const cur = (await request<Obj>(api.url, 'GET', stsPath('web', 'scale'))).body;
      const writes = [
        request<Obj>(api.url, 'PUT', stsPath('web', 'scale'), { spec: { replicas } }),
        request<Obj>(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas } }, mergePatch),
        request<Obj>(
          api.url,
          'PATCH',
          stsPath('web', 'scale'),
          [{ op: 'replace', path: '/spec/replicas', value: replicas }],
          jsonPatch,
        ),
      ];
      for (const res of await Promise.all(writes)) {
        expect(res.status, res.text).to.equal(400);
        expect(res.body.message).to.contain(
          'Scale in version "v1" cannot be handled as a Scale: spec.replicas: expected int32',
        );
      }
      const after = (await request<Obj>(api.url, 'GET', stsPath('web'))).body;
      expect(after.spec.replicas).to.equal(cur.spec.replicas);
      await expectHealthy();
    });
  }

  it('a Scale is decoded as any write: a string replicas is a 400; unknown fields warn, or are a 400 under Strict', async () => {
    const str = await request<Obj>(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas: '3' } }, mergePatch);
    expect(str.status, str.text).to.equal(400);
    expect(str.body.message).to.contain('spec.replicas: expected integer, got string');
    const strict = await request<Obj>(api.url, 'PUT', `${stsPath('web', 'scale')}?fieldValidation=Strict`, {
      spec: { replicas: 3, bogus: 1 },
    });
    expect(strict.status, strict.text).to.equal(400);
    expect(strict.body.message).to.contain('strict decoding error: unknown field "spec.bogus"');
    const warn = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('web', 'scale'),
      { spec: { replicas: 3, bogus: 1 } },
      mergePatch,
    );
    expect(warn.status, warn.text).to.equal(200);
    expect(warn.headers.get('warning')).to.contain('unknown field \\"spec.bogus\\"');
    await expectHealthy();
  });

  it('patches of status through the main resource and of spec through /status change nothing they may not', async () => {
    const before = (await request<Obj>(api.url, 'GET', stsPath('web'))).body;
    const main = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('web'),
      { status: { replicas: 7, readyReplicas: 7 } },
      mergePatch,
    );
    expect(main.status, main.text).to.equal(200);
    expect(main.body.status).to.deep.equal(before.status);
    const status = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('web', 'status'),
      [
        { op: 'replace', path: '/spec/replicas', value: 9 },
        { op: 'add', path: '/metadata/labels', value: { sneaky: 'yes' } },
      ],
      jsonPatch,
    );
    expect(status.status, status.text).to.equal(200);
    expect(status.body.spec.replicas).to.equal(before.spec.replicas);
    expect(status.body.metadata.labels).to.equal(undefined);
    await expectHealthy();
  });

  it('/status with counts past int32 is a 400', async () => {
    const res = await request<Obj>(
      api.url,
      'PATCH',
      stsPath('web', 'status'),
      { status: { replicas: 2 ** 53 } },
      mergePatch,
    );
    expect(res.status, res.text).to.equal(400);
    await expectHealthy();
  });

  const nulls: { name: string; body: () => Record<string, unknown>; path?: string }[] = [
    {
      name: 'spec.selector.matchExpressions: [null]',
      body: () => statefulSet('n1', { selector: { matchExpressions: [null] } }),
    },
    {
      name: 'spec.template.spec.containers: [null]',
      body: () =>
        statefulSet('n2', { template: { metadata: { labels: { app: 'n2' } }, spec: { containers: [null] } } }),
    },
    {
      name: 'template node affinity nodeSelectorTerms: [null]',
      body: () =>
        statefulSet('n3', {
          template: {
            metadata: { labels: { app: 'n3' } },
            spec: {
              containers: [{ name: 'c', image: 'b' }],
              affinity: {
                nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [null] } },
              },
            },
          },
        }),
    },
    {
      name: 'a PV whose nodeAffinity term is null',
      path: '/api/v1/persistentvolumes',
      body: () => ({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'pv-null' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: '/tmp/pv-null' },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [null] }] } },
        },
      }),
    },
    {
      name: 'a pod whose containers are [null]',
      path: '/api/v1/namespaces/default/pods',
      body: () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-null' }, spec: { containers: [null] } }),
    },
  ];
  for (const c of nulls) {
    it(`${c.name} is a 400 naming the item, not a 500`, async () => {
      const res = await request<Obj>(api.url, 'POST', c.path ?? stsPath(), c.body());
      expect(res.status, res.text).to.equal(400);
      expect(res.body.message).to.match(/\[0\]: expected object, got null/);
      await expectHealthy();
    });
  }

  it('`__proto__` and `constructor` in labels, selector, template and annotations stay data', async () => {
    await expectNoPollution(async () => {
      const proto = await request<Obj>(
        api.url,
        'POST',
        stsPath(),
        '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"p1","labels":{"__proto__":"x"}},"spec":{"selector":{"matchLabels":{"__proto__":"a"}},"template":{"metadata":{"labels":{"__proto__":"a"},"annotations":{"__proto__":"z"}},"spec":{"containers":[{"name":"c","image":"b"}]}}}}',
      );
      expect(proto.status, proto.text).to.equal(422);
      const ctor = await request<Obj>(
        api.url,
        'POST',
        stsPath(),
        '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"p2","labels":{"constructor":"y"}},"spec":{"selector":{"matchLabels":{"constructor":"a"}},"template":{"metadata":{"labels":{"constructor":"a"},"annotations":{"constructor":"z"}},"spec":{"containers":[{"name":"c","image":"b"}],"nodeSelector":{"constructor":"n"}}}}}',
      );
      expect(ctor.status, ctor.text).to.equal(201);
      const scale = await request<Obj>(api.url, 'GET', stsPath('p2', 'scale'));
      expect(scale.body.status?.selector).to.equal('constructor=a');
      const mismatch = await request<Obj>(
        api.url,
        'POST',
        stsPath(),
        '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"p3"},"spec":{"selector":{"matchLabels":{"constructor":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"b"}]}}}}',
      );
      expect(mismatch.status, mismatch.text).to.equal(422);
      expect(mismatch.body.message).to.contain('`selector` does not match template `labels`');
      const scalePatch = await request<Obj>(
        api.url,
        'PATCH',
        stsPath('p2', 'scale'),
        '{"__proto__":{"spec":{"replicas":7}},"spec":{"__proto__":{"replicas":7}}}',
        mergePatch,
      );
      expect(scalePatch.status, scalePatch.text).to.equal(200);
      expect(scalePatch.body.spec.replicas).to.equal(1);
    });
    await expectHealthy();
  });

  it('a name whose pods `<name>-<ordinal>` would pass 63 characters is a 422; so is scaling into one', async () => {
    const long = await request<Obj>(api.url, 'POST', stsPath(), statefulSet('w'.repeat(62)));
    expect(long.status, long.text).to.equal(422);
    expect(long.body.message).to.contain('must be no more than 61 characters');
    const name = 'v'.repeat(61);
    const ok = await request<Obj>(api.url, 'POST', stsPath(), statefulSet(name, { replicas: 10 }));
    expect(ok.status, ok.text).to.equal(201);
    const scaled = await request<Obj>(api.url, 'PATCH', stsPath(name, 'scale'), { spec: { replicas: 11 } }, mergePatch);
    expect(scaled.status, scaled.text).to.equal(422);
    expect(scaled.body.message).to.contain(`pod ${name}-10 would have a name longer than 63 characters`);
    await expectHealthy();
  });

  it('scale on a missing set is a 404 for every verb; a watch opened before the bad requests sees only real changes', async () => {
    const from = (await request<Obj>(api.url, 'GET', stsPath())).body.metadata.resourceVersion ?? '';
    const watch = await openWatch(api.url, `${stsPath()}?resourceVersion=${from}`);
    try {
      for (const res of await Promise.all([
        request<Obj>(api.url, 'GET', stsPath('nope', 'scale')),
        request<Obj>(api.url, 'PUT', stsPath('nope', 'scale'), { spec: { replicas: 1 } }),
        request<Obj>(api.url, 'PATCH', stsPath('nope', 'scale'), { spec: { replicas: 1 } }, mergePatch),
      ]))
        expect(res.status, res.text).to.equal(404);
      await request(api.url, 'POST', stsPath(), statefulSet('bad', { replicas: 2 ** 53 }));
      await request(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas: 1e300 } }, mergePatch);
      await request(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas: '9' } }, mergePatch);
      const stale = await request<Obj>(api.url, 'PUT', stsPath('web', 'scale'), {
        metadata: { resourceVersion: '1' },
        spec: { replicas: 3 },
      });
      expect(stale.status).to.equal(409);
      const good = await request<Obj>(api.url, 'PATCH', stsPath('web', 'scale'), { spec: { replicas: 4 } }, mergePatch);
      expect(good.status, good.text).to.equal(200);
      await watch.waitFor(1);
      const ev = watch.events[0];
      expect(ev?.type).to.equal('MODIFIED');
      expect((ev?.object as unknown as Obj | undefined)?.spec.replicas).to.equal(4);
      expect(watch.events).to.have.length(1);
    } finally {
      watch.close();
    }
  });
});
