/**
 * RBAC objects with bad input, from the superuser (plain port) and from a namespace admin over
 * TLS (whose writes pass escalation prevention first): malformed rules, subjects and roleRefs,
 * prototype keys, huge rule lists and random protobuf bodies are 4xx Statuses, never 500s, are
 * not stored, and leave authorization of other users intact.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const api = 'rbac.authorization.k8s.io/v1';
const ref = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
const alice = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };
const goodRule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };

const badRoles: [string, unknown][] = [
  ['rules a string', 'x'],
  ['rules an object', { a: 1 }],
  ['rules a number', 7],
  ['a null rule', [null]],
  ['a number rule', [3]],
  ['a string rule', ['get']],
  ['verbs a string', [{ ...goodRule, verbs: 'get' }]],
  ['verbs with null', [{ ...goodRule, verbs: [null] }]],
  ['verbs with an object', [{ ...goodRule, verbs: [{}] }]],
  ['resources a number', [{ ...goodRule, resources: 1 }]],
  ['resourceNames with a number', [{ ...goodRule, resourceNames: [1] }]],
  ['apiGroups an object', [{ ...goodRule, apiGroups: { __proto__: 1 } }]],
];

const badBindings: [string, Record<string, unknown>][] = [
  ['roleRef null', { roleRef: null, subjects: [alice] }],
  ['roleRef a string', { roleRef: 'view', subjects: [alice] }],
  ['roleRef a number', { roleRef: 5, subjects: [alice] }],
  ['roleRef missing', { subjects: [alice] }],
  ['roleRef without name', { roleRef: { apiGroup: ref.apiGroup, kind: 'ClusterRole' }, subjects: [alice] }],
  ['roleRef name a number', { roleRef: { ...ref, name: 3 }, subjects: [alice] }],
  ['roleRef name an object', { roleRef: { ...ref, name: { a: 1 } }, subjects: [alice] }],
  ['roleRef kind an object', { roleRef: { ...ref, kind: {} }, subjects: [alice] }],
  ['subjects a string', { roleRef: ref, subjects: 'alice' }],
  ['subjects an object', { roleRef: ref, subjects: { 0: alice } }],
  ['a null subject', { roleRef: ref, subjects: [null] }],
  ['a number subject', { roleRef: ref, subjects: [1] }],
  ['subject name an object', { roleRef: ref, subjects: [{ ...alice, name: {} }] }],
  [
    'subject name __proto__ kind',
    { roleRef: ref, subjects: [{ kind: '__proto__', apiGroup: ref.apiGroup, name: 'x' }] },
  ],
];

/** A secure server with namespace `team` and user `nsadmin` bound to ClusterRole admin there. */
async function startWithTeamAdmin(): Promise<SecureTestServer> {
  const s = await SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC] });
  expect(
    (
      await request(s.api.url, 'POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team' },
      })
    ).status,
  ).to.equal(201);
  const b = await request(s.api.url, 'POST', `${rbac}/namespaces/team/rolebindings`, {
    apiVersion: api,
    kind: 'RoleBinding',
    metadata: { name: 'nsadmin' },
    roleRef: { ...ref, name: 'admin' },
    subjects: [{ ...alice, name: 'nsadmin' }],
  });
  expect(b.status).to.equal(201);
  return s;
}

describe('RBAC bad input', function () {
  this.timeout(120_000);
  let s: SecureTestServer;
  const admin = () => s.user('nsadmin');
  const post = (via: 'plain' | 'tls', path: string, body: unknown) =>
    via === 'plain' ? request(s.api.url, 'POST', path, body) : s.request(admin(), 'POST', path, { body });

  before(async () => {
    s = await startWithTeamAdmin();
    await waitFor(async () => (await s.request(admin(), 'GET', '/api/v1/namespaces/team/pods')).status === 200);
  });
  after(() => s.stop());

  async function stillDecides(): Promise<void> {
    expect((await s.request(admin(), 'GET', '/api/v1/namespaces/team/pods')).status).to.equal(200);
    expect((await s.request(admin(), 'GET', '/api/v1/namespaces/default/pods')).status).to.equal(403);
    expect((await s.request(s.user('bob'), 'GET', '/api/v1/namespaces/team/pods')).status).to.equal(403);
  }

  for (const via of ['plain', 'tls'] as const) {
    for (const [what, rules] of badRoles) {
      it(`refuses a Role with ${what} (${via})`, async () => {
        const res = await post(via, `${rbac}/namespaces/team/roles`, {
          apiVersion: api,
          kind: 'Role',
          metadata: { name: 'bad' },
          rules,
        });
        expect(res.status, JSON.stringify(res.body)).to.be.oneOf([400, 422]);
        expect((res.body as { kind?: string }).kind).to.equal('Status');
        expect((await request(s.api.url, 'GET', `${rbac}/namespaces/team/roles/bad`)).status).to.equal(404);
      });
    }
    for (const [what, extra] of badBindings) {
      it(`refuses a RoleBinding with ${what} (${via})`, async () => {
        const res = await post(via, `${rbac}/namespaces/team/rolebindings`, {
          apiVersion: api,
          kind: 'RoleBinding',
          metadata: { name: 'bad' },
          ...extra,
        });
        expect(res.status, JSON.stringify(res.body)).to.be.oneOf([400, 422]);
        expect((res.body as { kind?: string }).kind).to.equal('Status');
        expect((await request(s.api.url, 'GET', `${rbac}/namespaces/team/rolebindings/bad`)).status).to.equal(404);
      });
    }
  }

  it('stores prototype keys as plain names, labels and resourceNames, and still decides', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const res = await request(s.api.url, 'POST', `${rbac}/namespaces/team/roles`, {
        apiVersion: api,
        kind: 'Role',
        metadata: {
          name: name === '__proto__' ? 'proto' : name,
          labels: JSON.parse(`{"${name}": "x"}`) as Record<string, string>,
        },
        rules: [{ ...goodRule, resourceNames: [name, 'hasOwnProperty'] }],
      });
      expect(res.status, JSON.stringify(res.body)).to.be.oneOf([201, 422]);
      const b = await request(s.api.url, 'POST', `${rbac}/namespaces/team/rolebindings`, {
        apiVersion: api,
        kind: 'RoleBinding',
        metadata: { name: `b-${name.replace(/_/g, '')}` },
        roleRef: { ...ref, name: 'view' },
        subjects: [
          { ...alice, name },
          { kind: 'Group', apiGroup: ref.apiGroup, name },
        ],
      });
      expect(b.status, JSON.stringify(b.body)).to.equal(201);
    }
    await stillDecides();
    expect((await s.request(s.user('constructor'), 'GET', '/api/v1/namespaces/default/pods')).status).to.equal(403);
  });

  it('takes a 10k-rule Role in reasonable time, or refuses it, and still decides', async () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => ({ apiGroups: [''], resources: [`r${i}`], verbs: ['get'] }));
    for (const via of ['plain', 'tls'] as const) {
      const t = Date.now();
      const res = await post(via, `${rbac}/namespaces/team/roles`, {
        apiVersion: api,
        kind: 'Role',
        metadata: { name: `huge-${via}` },
        rules,
      });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).to.be.oneOf([201, 403, 413, 422]);
      expect(Date.now() - t).to.be.below(20_000);
    }
    await stillDecides();
  });

  it('answers random and malformed protobuf RBAC bodies with 4xx', async () => {
    const bodies: Buffer[] = [
      Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0xff, 0xff]),
      Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x0a, 0x02, 0x76, 0x31]),
      Buffer.from('k8s\0garbage garbage'),
      Buffer.alloc(0),
    ];
    let seed = 7;
    for (let n = 0; n < 40; n++) {
      const len = 1 + ((n * 13) % 200);
      const b = Buffer.alloc(len + 4);
      Buffer.from([0x6b, 0x38, 0x73, 0x00]).copy(b);
      for (let i = 4; i < b.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        b[i] = seed & 0xff;
      }
      bodies.push(b);
    }
    for (const path of [
      `${rbac}/namespaces/team/roles`,
      `${rbac}/clusterroles`,
      `${rbac}/namespaces/team/rolebindings`,
      `${rbac}/clusterrolebindings`,
    ]) {
      for (const body of bodies) {
        const res = await fetch(`${s.api.url}${path}`, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        });
        expect(res.status, `${path} ${body.toString('hex')} ${await res.text()}`).to.be.within(400, 499);
      }
    }
    await stillDecides();
  });
});

describe('RBAC bad input on update and patch', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  const admin = () => s.user('nsadmin');
  before(async () => {
    s = await startWithTeamAdmin();
    expect(
      (
        await request(s.api.url, 'POST', `${rbac}/namespaces/team/roles`, {
          apiVersion: api,
          kind: 'Role',
          metadata: { name: 'r' },
          rules: [goodRule],
        })
      ).status,
    ).to.equal(201);
    expect(
      (
        await request(s.api.url, 'POST', `${rbac}/namespaces/team/rolebindings`, {
          apiVersion: api,
          kind: 'RoleBinding',
          metadata: { name: 'rb' },
          roleRef: ref,
          subjects: [alice],
        })
      ).status,
    ).to.equal(201);
    await waitFor(async () => (await s.request(admin(), 'GET', `${rbac}/namespaces/team/roles/r`)).status === 200);
  });
  after(() => s.stop());

  const merge = { 'Content-Type': 'application/merge-patch+json' };
  const cases: [string, string, unknown][] = [
    ['a Role patched to a null rule', 'roles/r', { rules: [null] }],
    ['a Role patched to rules a string', 'roles/r', { rules: 'x' }],
    ['a Role patched to a rule with null verbs', 'roles/r', { rules: [{ ...goodRule, verbs: null }] }],
    ['a RoleBinding patched to roleRef null', 'rolebindings/rb', { roleRef: null }],
    ['a RoleBinding patched to roleRef a string', 'rolebindings/rb', { roleRef: 'x' }],
    ['a RoleBinding patched to a null subject', 'rolebindings/rb', { subjects: [null] }],
  ];
  for (const [what, p, patch] of cases) {
    it(`refuses ${what} over TLS`, async () => {
      const res = await s.request(admin(), 'PATCH', `${rbac}/namespaces/team/${p}`, { body: patch, headers: merge });
      expect(res.status, JSON.stringify(res.body)).to.be.oneOf([400, 422]);
      const put = await s.request(admin(), 'PUT', `${rbac}/namespaces/team/${p}`, {
        body: {
          apiVersion: api,
          kind: p.startsWith('roles') ? 'Role' : 'RoleBinding',
          metadata: { name: p.split('/')[1] },
          ...(patch as object),
        },
      });
      expect(put.status, JSON.stringify(put.body)).to.be.oneOf([400, 409, 422]);
    });
  }
  it('leaves the objects and authorization intact', async () => {
    expect(
      ((await request(s.api.url, 'GET', `${rbac}/namespaces/team/roles/r`)).body as { rules: unknown[] }).rules,
    ).to.deep.equal([goodRule]);
    expect((await s.request(s.user('alice'), 'GET', '/api/v1/namespaces/team/pods')).status).to.equal(200);
    expect((await s.request(s.user('alice'), 'GET', '/api/v1/namespaces/default/pods')).status).to.equal(403);
  });
  it('answers random protobuf RBAC bodies over TLS with 4xx', async () => {
    for (const body of [
      Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0xff, 0x01]),
      Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x02, 0x1a, 0x00]),
    ]) {
      const res = await s.request(admin(), 'POST', `${rbac}/namespaces/team/roles`, {
        body,
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      });
      expect(res.status, JSON.stringify(res.body)).to.be.within(400, 499);
    }
  });
});

describe('Node authorizer graph with bad pods', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  const pod = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });
  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC] });
  });
  after(() => s.stop());

  it('refuses malformed pod volumes and node names, and the graph still answers', async () => {
    const good = await request(
      s.api.url,
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('good', { nodeName: 'node-a' }),
    );
    expect(good.status, JSON.stringify(good.body)).to.equal(201);
    const nodeA = s.user('system:node:node-a', ['system:nodes']);
    await waitFor(async () => (await s.request(nodeA, 'GET', '/api/v1/namespaces/default/pods/good')).status === 200);
    for (const spec of [
      { nodeName: 'node-a', volumes: [null] },
      { nodeName: 'node-a', volumes: 'x' },
      { nodeName: 'node-a', volumes: [{ name: 'v', persistentVolumeClaim: null }] },
      { nodeName: { a: 1 } },
      { nodeName: 'node-a', volumes: [{ name: 'v', persistentVolumeClaim: { claimName: { a: 1 } } }] },
    ]) {
      const res = await request(s.api.url, 'POST', '/api/v1/namespaces/default/pods', pod('bad', spec));
      expect(res.status, `${JSON.stringify(spec)} ${JSON.stringify(res.body)}`).to.be.oneOf([400, 422]);
    }
    const later = await request(
      s.api.url,
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('later', { nodeName: 'node-a' }),
    );
    expect(later.status).to.equal(201);
    await waitFor(async () => (await s.request(nodeA, 'GET', '/api/v1/namespaces/default/pods/later')).status === 200);
    expect(
      (await s.request(s.user('system:node:node-b', ['system:nodes']), 'GET', '/api/v1/namespaces/default/pods/later'))
        .status,
    ).to.equal(403);
  });
});
