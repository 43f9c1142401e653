import { expect } from 'chai';
import { request, type Response } from '../../helpers/http';
import { expectNoPollution, prototypeKeys } from '../../helpers/prototypes';
import { waitFor } from '../../helpers/wait';
import { pvc, pvcPath } from './fixtures';
import { etcdState, expectStatus, startInputTestServer, type InputTestServer } from './input_support';

type Obj = { metadata: Record<string, unknown> & { name?: string; labels?: Record<string, string> } };

const jsonPatch = { 'Content-Type': 'application/json-patch+json' };
const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const smp = { 'Content-Type': 'application/strategic-merge-patch+json' };
const apply = { 'Content-Type': 'application/apply-patch+yaml' };
const yaml = { 'Content-Type': 'application/yaml' };

const pvcYaml = (name: string, extraMeta = '', extraTop = ''): string =>
  `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\n${extraMeta}spec:\n  storageClassName: hostPath\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 500Mi\n${extraTop}`;

describe('apiserver: no key a client sends reaches a prototype', () => {
  let api: InputTestServer;
  let protoBefore: string[];
  before(async () => {
    api = await startInputTestServer();
    protoBefore = prototypeKeys();
  });
  after(async () => api.stop());

  /** After each payload: prototypes unchanged, and ordinary writes still work. */
  async function expectHealthy(name: string): Promise<void> {
    expect(prototypeKeys(), 'Object.prototype / Array.prototype gained keys').to.deep.equal(protoBefore);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype.polluted').to.equal(undefined);
    const upd = await request<Obj>(
      api.url,
      'PATCH',
      pvcPath('default', name),
      { metadata: { labels: { after: 'ok' } } },
      mergePatch,
    );
    expect(upd.status, upd.text).to.equal(200);
    const fresh = `fresh-${Math.random().toString(36).slice(2, 8)}`;
    const created = await request<Obj>(api.url, 'POST', pvcPath('default'), pvc(fresh));
    expect(created.status, created.text).to.equal(201);
    expect(JSON.stringify(created.body)).not.to.include('polluted');
  }

  /** Runs a request; fails (after undoing it) if it added keys to a prototype. */
  async function polluting<T>(fn: () => Promise<T>): Promise<T> {
    let out: T | undefined;
    await expectNoPollution(async () => {
      out = await fn();
    });
    if (out === undefined) throw new Error('no response');
    return out;
  }

  /** The object's JSON as etcd holds it. */
  const stored = async (name: string): Promise<string> =>
    (await api.etcd.get(`${api.prefix}/persistentvolumeclaims/default/${name}`).string()) ?? '';

  let n = 0;
  async function target(): Promise<string> {
    const name = `target-${n++}`;
    const res = await request(api.url, 'POST', pvcPath('default'), pvc(name));
    expect(res.status, res.text).to.equal(201);
    return name;
  }

  /** `stored`: text the object in etcd must contain afterwards (a `__proto__` key kept as data, not swallowed). */
  const patches: {
    name: string;
    headers: Record<string, string>;
    body: (name: string) => string;
    code: number;
    query?: string;
    stored?: string;
  }[] = [
    {
      name: 'json-patch add /__proto__/polluted',
      headers: jsonPatch,
      body: () => '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]',
      code: 400,
    },
    {
      name: 'json-patch add /constructor/prototype/polluted',
      headers: jsonPatch,
      body: () => '[{"op":"add","path":"/constructor/prototype/polluted","value":"yes"}]',
      code: 400,
    },
    {
      name: 'json-patch add /metadata/__proto__/polluted',
      headers: jsonPatch,
      body: () => '[{"op":"add","path":"/metadata/__proto__/polluted","value":"yes"}]',
      code: 400,
    },
    {
      name: 'json-patch add /metadata/labels/__proto__ (a key)',
      headers: jsonPatch,
      body: () =>
        '[{"op":"add","path":"/metadata/labels","value":{}},{"op":"add","path":"/metadata/labels/__proto__","value":"yes"}]',
      code: 422,
    },
    {
      name: 'json-patch add /spec/__proto__ (data: a change to the immutable claim spec)',
      headers: jsonPatch,
      body: () => '[{"op":"add","path":"/spec/__proto__","value":{"polluted":"yes"}}]',
      code: 422,
    },
    {
      name: 'merge-patch {"__proto__":{…}}',
      headers: mergePatch,
      body: () => '{"__proto__":{"polluted":"yes"}}',
      code: 200,
      stored: '"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'merge-patch {"__proto__":{…}} under Strict',
      headers: mergePatch,
      body: () => '{"__proto__":{"polluted":"yes"}}',
      code: 400,
      query: '?fieldValidation=Strict',
    },
    {
      name: 'merge-patch metadata.labels.__proto__',
      headers: mergePatch,
      body: () => '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}',
      code: 400,
    },
    {
      name: 'merge-patch constructor.prototype',
      headers: mergePatch,
      body: () => '{"constructor":{"prototype":{"polluted":"yes"}}}',
      code: 200,
      stored: '"constructor":{"prototype":{"polluted":"yes"}}',
    },
    {
      name: 'strategic-merge-patch metadata.__proto__',
      headers: smp,
      body: () => '{"metadata":{"__proto__":{"polluted":"yes"}}}',
      code: 200,
      stored: '"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'strategic-merge-patch $setElementOrder/__proto__',
      headers: smp,
      body: () =>
        '{"spec":{"$setElementOrder/__proto__":[{"polluted":"yes"}],"$deleteFromPrimitiveList/constructor":["x"]}}',
      code: 200,
    },
    {
      name: 'apply-patch+yaml top-level __proto__',
      headers: apply,
      body: (name) => pvcYaml(name, '', '__proto__:\n  polluted: "yes"\n'),
      code: 200,
      query: '?fieldManager=fuzz&force=true',
      stored: '"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'apply-patch+yaml labels.__proto__',
      headers: apply,
      body: (name) => pvcYaml(name, '  labels:\n    __proto__:\n      polluted: "yes"\n'),
      code: 400,
      query: '?fieldManager=fuzz&force=true',
    },
    {
      name: 'apply-patch+yaml labels.constructor',
      headers: apply,
      body: (name) => pvcYaml(name, '  labels:\n    constructor: "c"\n    prototype: "p"\n'),
      code: 200,
      query: '?fieldManager=fuzz&force=true',
      stored: '"constructor":"c","prototype":"p"',
    },
  ];

  for (const p of patches) {
    it(`PATCH ${p.name} → ${p.code}, prototypes untouched, updates still work`, async () => {
      const name = await target();
      // Pollution is checked (and undone) right after the request, so each case stands alone.
      const res = await polluting(() =>
        request(api.url, 'PATCH', `${pvcPath('default', name)}${p.query ?? ''}`, p.body(name), p.headers),
      );
      if (p.code >= 400) expectStatus(res, p.code);
      else expect(res.status, res.text).to.equal(p.code);
      if (p.stored) expect(await stored(name)).to.include(p.stored);
      await expectHealthy(name);
    });
  }

  /** `stored`: text the object in etcd must still contain after a later update (data survives clones). */
  const bodies: {
    name: string;
    method: 'POST' | 'PUT';
    headers: Record<string, string>;
    body: (name: string) => string;
    code: number;
    stored?: string;
  }[] = [
    {
      name: 'POST JSON with metadata.__proto__ and spec.__proto__',
      method: 'POST',
      headers: {},
      body: (name) =>
        `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"${name}","__proto__":{"polluted":"yes"}},"spec":{"__proto__":{"polluted":"yes"},"storageClassName":"hostPath","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`,
      code: 201,
      stored: '"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'POST JSON with a top-level constructor.prototype',
      method: 'POST',
      headers: {},
      body: (name) =>
        `{"constructor":{"prototype":{"polluted":"yes"}},"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"${name}"},"spec":{"storageClassName":"hostPath","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`,
      code: 201,
    },
    {
      name: 'POST YAML with metadata.__proto__',
      method: 'POST',
      headers: yaml,
      body: (name) => pvcYaml(name, '  __proto__:\n    polluted: "yes"\n'),
      code: 201,
      stored: '"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'POST YAML with labels.__proto__',
      method: 'POST',
      headers: yaml,
      body: (name) => pvcYaml(name, '  labels:\n    __proto__: "yes"\n'),
      code: 422,
    },
    {
      name: 'PUT JSON with __proto__ everywhere',
      method: 'PUT',
      headers: {},
      body: (name) =>
        `{"__proto__":{"polluted":"yes"},"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"${name}","__proto__":{"polluted":"yes"},"annotations":{"constructor":"x"}},"spec":{"storageClassName":"hostPath","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"500Mi"}}}}`,
      code: 200,
      stored: '{"__proto__":{"polluted":"yes"}',
    },
    {
      name: 'PUT YAML with managedFields naming __proto__',
      method: 'PUT',
      headers: yaml,
      body: (name) =>
        pvcYaml(
          name,
          '  managedFields:\n  - manager: m\n    operation: Update\n    apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      __proto__:\n        f:polluted: {}\n      f:__proto__:\n        f:toString: {}\n',
        ),
      code: 200,
    },
  ];

  for (const b of bodies) {
    it(`${b.name} → ${b.code}, prototypes untouched, updates still work`, async () => {
      const name = b.method === 'PUT' ? await target() : `body-${n++}`;
      const res: Response = await polluting(() =>
        request(
          api.url,
          b.method,
          b.method === 'PUT' ? pvcPath('default', name) : pvcPath('default'),
          b.body(name),
          b.headers,
        ),
      );
      if (b.code >= 400) expectStatus(res, b.code);
      else expect(res.status, res.text).to.equal(b.code);
      await expectHealthy(b.code >= 400 ? await target() : name);
      if (b.stored) expect(await stored(name), 'data lost by a later update').to.include(b.stored);
    });
  }

  it('a stored "__proto__" key stays plain data through get, list, watch-cache list and later patches', async () => {
    const name = `stored-${n++}`;
    await request(api.url, 'POST', pvcPath('default'), bodies[0]?.body(name) ?? '');
    const raw = await api.etcd.get(`${api.prefix}/persistentvolumeclaims/default/${name}`).string();
    expect(raw).to.include('"__proto__":{"polluted":"yes"}');
    const got = await request(api.url, 'GET', pvcPath('default', name));
    expect(got.text).to.include('"__proto__":{"polluted":"yes"}');
    for (const q of ['', '?resourceVersion=0']) {
      const list = await request(api.url, 'GET', `${pvcPath('default')}${q}`);
      expect(list.status).to.equal(200);
    }
    const jp = await request(
      api.url,
      'PATCH',
      pvcPath('default', name),
      '[{"op":"replace","path":"/metadata/__proto__/polluted","value":"data"}]',
      jsonPatch,
    );
    expect(jp.status, jp.text).to.equal(200);
    expect(jp.text).to.include('"__proto__":{"polluted":"data"}');
    await expectHealthy(name);
  });

  it('label selectors on keys named constructor / prototype match own labels only', async () => {
    await request(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'sel' } });
    const plain = await request(api.url, 'POST', pvcPath('sel'), {
      ...pvc('plain'),
      metadata: { name: 'plain', labels: { a: 'b' } },
    });
    expect(plain.status, plain.text).to.equal(201);
    const ctor = await request(api.url, 'POST', pvcPath('sel'), {
      ...pvc('ctor'),
      metadata: { name: 'ctor', labels: { constructor: 'x', prototype: 'y' } },
    });
    expect(ctor.status, ctor.text).to.equal(201);
    // resourceVersion=0 is served from the watch cache, which may trail the creates.
    await waitFor(
      async () =>
        ((await request<{ items?: Obj[] }>(api.url, 'GET', `${pvcPath('sel')}?resourceVersion=0`)).body.items ?? [])
          .length === 2,
      30_000,
      'both claims in the watch cache',
    );
    for (const rv of ['', '&resourceVersion=0']) {
      const names = async (sel: string) =>
        (
          (
            await request<{ items: Obj[] }>(
              api.url,
              'GET',
              `${pvcPath('sel')}?labelSelector=${encodeURIComponent(sel)}${rv}`,
            )
          ).body.items ?? []
        ).map((o) => o.metadata.name);
      expect(await names('constructor')).to.deep.equal(['ctor']);
      expect(await names('constructor=x')).to.deep.equal(['ctor']);
      expect(await names('!prototype')).to.deep.equal(['plain']);
      expect(await names('hasOwnProperty')).to.deep.equal([]);
      expect(await names('toString notin (x)')).to.deep.equal(['ctor', 'plain']);
    }
  });

  it('a patch Content-Type naming an Object.prototype member (constructor, __proto__, toString) is 415 and writes nothing', async () => {
    const name = await target();
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'constructor; charset=utf-8']) {
      const before = await etcdState(api.etcd, api.prefix);
      const res = await polluting(() =>
        request(api.url, 'PATCH', pvcPath('default', name), '{"metadata":{"labels":{"x":"y"}}}', {
          'Content-Type': type,
        }),
      );
      expectStatus(res, 415, 'UnsupportedMediaType');
      expect(await etcdState(api.etcd, api.prefix), type).to.deep.equal(before);
    }
    await expectHealthy(name);
  });

  it('payloads that fail write nothing to etcd', async () => {
    const name = await target();
    const before = await etcdState(api.etcd, api.prefix);
    const res = await request(
      api.url,
      'PATCH',
      pvcPath('default', name),
      '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]',
      jsonPatch,
    );
    expectStatus(res, 400, 'BadRequest');
    expect(await etcdState(api.etcd, api.prefix)).to.deep.equal(before);
  });
});
