/**
 * Hostile requests against the secure port (Node + RBAC, real etcd, real TLS): each test is a
 * way around authorization that was tried and must stay shut. A user allowed only to list may
 * not watch by spelling `watch` differently from `true`; escalation prevention holds on every
 * write path (merge, JSON and strategic patches, server-side apply, PUT, dry run); a namespace
 * admin's LocalSubjectAccessReview cannot ask about URLs; odd impersonation headers are 4xx;
 * expired, chained and serving certificates do not authenticate.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer, whoami } from './support';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const user = (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
/** Signs a client certificate for `subject` with openssl: by the test CA, or by another certificate; `days` may be negative (expired). */
function forge(dir: string, name: string, subject: string, days: number, signer = 'ca'): { cert: Buffer; key: Buffer } {
  const f = (ext: string) => path.join(dir, `${name}.${ext}`);
  const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  sh('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('key'));
  sh('req', '-new', '-key', f('key'), '-subj', subject, '-out', f('csr'));
  writeFileSync(f('ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  sh(
    'x509',
    '-req',
    '-in',
    f('csr'),
    '-CA',
    `${signer}.crt`,
    '-CAkey',
    `${signer}.key`,
    '-CAcreateserial',
    '-days',
    String(days),
    '-extfile',
    f('ext'),
    '-out',
    f('crt'),
  );
  return { cert: readFileSync(f('crt')), key: readFileSync(f('key')) };
}

const everything = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];

describe('Authorization under attack', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  /** A write through the plain port, awaited in the watch cache the authorizer reads. */
  const plain = async (method: string, path: string, body?: unknown) => {
    const res = await request(s.api.url, method, path, body);
    expect(res.status, `${method} ${path}: ${res.text}`).to.be.below(300);
    const m = /\/apis\/rbac\.authorization\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?([a-z]+)/.exec(path);
    const meta = (res.body as { metadata?: { name?: string; resourceVersion?: string } }).metadata;
    if (m && method !== 'GET' && meta?.name) {
      const store = s.api.server.store('rbac.authorization.k8s.io', m[2] ?? '');
      await waitFor(
        () =>
          store.cache.getCached(store.key(m[1], meta.name ?? ''))?.metadata.resourceVersion === meta.resourceVersion,
      );
    }
    return res;
  };
  const bind = (ns: string, name: string, kind: 'Role' | 'ClusterRole', role: string, who: string) =>
    plain('POST', `${rbac}/namespaces/${ns}/rolebindings`, {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role },
      subjects: [user(who)],
    });

  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC] });
    await plain('POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
    await bind('team-a', 'carol-admin', 'ClusterRole', 'admin', 'carol');
    await plain('POST', `${rbac}/namespaces/team-a/roles`, {
      metadata: { name: 'lister' },
      rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }],
    });
    await bind('team-a', 'lenny-lister', 'Role', 'lister', 'lenny');
    await plain('POST', `${rbac}/clusterroles`, {
      metadata: { name: 'impersonate-bob' },
      rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] }],
    });
    await plain('POST', `${rbac}/clusterrolebindings`, {
      metadata: { name: 'ivan-impersonates-bob' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-bob' },
      subjects: [user('ivan')],
    });
  });
  after(() => s.stop());

  it('authorizes every spelling of ?watch the server watches on as watch, not list', async () => {
    const lenny = s.user('lenny');
    expect((await s.request(lenny, 'GET', '/api/v1/namespaces/team-a/pods')).status).to.equal(200);
    for (const q of ['watch=true', 'watch=1', 'watch=True', 'watch=yes', 'watch=', 'watch']) {
      const res = await s.request(lenny, 'GET', `/api/v1/namespaces/team-a/pods?${q}&timeoutSeconds=1`);
      expect(res.status, q).to.equal(403);
      expect(res.body.message, q).to.equal(
        'pods is forbidden: User "lenny" cannot watch resource "pods" in API group "" in the namespace "team-a"',
      );
    }
    // watch=false and watch=0 are lists, as the server serves them.
    for (const q of ['watch=false', 'watch=FALSE', 'watch=0'])
      expect((await s.request(lenny, 'GET', `/api/v1/namespaces/team-a/pods?${q}`)).status, q).to.equal(200);
  });

  it('a WebSocket GET to pods/exec, attach or portforward needs create: a role that may only get everything is refused', async () => {
    // Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, on by default): the
    // WebSocket handshake is a GET, but the stream is a create; `get` on `*` (a reader's role,
    // the controller-manager's) must not open a shell in every pod.
    await plain('POST', `${rbac}/namespaces/team-a/roles`, {
      metadata: { name: 'reader' },
      rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }],
    });
    await bind('team-a', 'rita-reader', 'Role', 'reader', 'rita');
    const upgrade = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' };
    for (const sub of ['exec?command=sh&stdout=true', 'attach?stdout=true', 'portforward?ports=80']) {
      const res = await s.request(s.user('rita'), 'GET', `/api/v1/namespaces/team-a/pods/p/${sub}`, {
        headers: { ...upgrade, 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      const name = sub.slice(0, sub.indexOf('?'));
      expect(res.status, sub).to.equal(403);
      expect(res.body.message, sub).to.equal(
        `pods "p" is forbidden: User "rita" cannot create resource "pods/${name}" in API group "" in the namespace "team-a"`,
      );
    }
    // carol (admin: create on pods/exec) passes authorization and meets the missing pod.
    const carol = await s.request(s.user('carol'), 'GET', '/api/v1/namespaces/team-a/pods/p/exec?command=sh&stdout=1');
    expect(carol.status).to.equal(404);
  });

  it('refuses escalation on every write path, not only create', async () => {
    const carol = s.user('carol');
    const roles = `${rbac}/namespaces/team-a/roles`;
    expect(
      (
        await s.request(carol, 'POST', roles, {
          body: { metadata: { name: 'mine' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
        })
      ).status,
    ).to.equal(201);
    const patch = (type: string, body: unknown, query = '') =>
      s.request(carol, 'PATCH', `${roles}/mine${query}`, { body, headers: { 'Content-Type': type } });
    const attempts = {
      merge: await patch('application/merge-patch+json', { rules: everything }),
      json: await patch('application/json-patch+json', [
        {
          op: 'add',
          path: '/rules/-',
          value: { verbs: ['create'], apiGroups: [''], resources: ['persistentvolumes'] },
        },
      ]),
      strategic: await patch('application/strategic-merge-patch+json', { rules: everything }),
      apply: await patch(
        'application/apply-patch+yaml',
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'mine' }, rules: everything },
        '?fieldManager=carol&force=true',
      ),
      applyCreate: await s.request(carol, 'PATCH', `${roles}/new?fieldManager=carol`, {
        body: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'new' },
          rules: everything,
        },
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
      }),
      put: await s.request(carol, 'PUT', `${roles}/mine`, {
        body: { ...(await plain('GET', `${roles}/mine`)).body, rules: everything },
      }),
      dryRun: await s.request(carol, 'POST', `${roles}?dryRun=All`, {
        body: { metadata: { name: 'dry' }, rules: everything },
      }),
      subresource: await s.request(carol, 'POST', roles, {
        body: {
          metadata: { name: 'bind' },
          rules: [{ verbs: ['create'], apiGroups: [''], resources: ['pods/binding'] }],
        },
      }),
      bindByApply: await s.request(carol, 'PATCH', `${rbac}/namespaces/team-a/rolebindings/root?fieldManager=carol`, {
        body: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'root' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [user('carol')],
        },
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
      }),
    };
    for (const [how, res] of Object.entries(attempts)) {
      expect(res.status, `${how}: ${res.text}`).to.equal(403);
      expect(String(res.body.message), how).to.include('is attempting to grant RBAC permissions not currently held');
    }
    const mine = (await plain('GET', `${roles}/mine`)).body as { rules: unknown[] };
    expect(mine.rules).to.deep.equal([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    expect((await request(s.api.url, 'GET', `${roles}/new`)).status).to.equal(404);
  });

  it("refuses nonResourceAttributes in a LocalSubjectAccessReview (a namespace admin's question is about her namespace)", async () => {
    const path = '/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews';
    const res = await s.request(s.user('carol'), 'POST', path, {
      body: { spec: { user: 'ivan', nonResourceAttributes: { verb: 'get', path: '/metrics' } } },
    });
    expect(res.status, res.text).to.equal(422);
    expect(String(res.body.message)).to.include(
      'spec.nonResourceAttributes: Invalid value: disallowed on this kind of request',
    );
    const ok = await s.request(s.user('carol'), 'POST', path, {
      body: { spec: { user: 'ivan', resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' } } },
    });
    expect(ok.status, ok.text).to.equal(201);
    // Asking about another user cluster-wide needs create on subjectaccessreviews, which admin does not grant.
    const sar = await s.request(s.user('carol'), 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { spec: { user: 'ivan', resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' } } },
    });
    expect(sar.status).to.equal(403);
  });

  it('impersonates only what the impersonate verb names, and a malformed extra key is no 500', async () => {
    const ivan = s.user('ivan');
    const as = (headers: Record<string, string | string[]>) =>
      s.request(ivan, 'GET', '/api/v1/namespaces/team-a/pods', { headers });
    expect((await as({ 'Impersonate-User': 'alice' })).status).to.equal(403);
    expect((await as({ 'Impersonate-User': 'bob', 'Impersonate-Group': 'system:masters' })).status).to.equal(403);
    expect((await as({ 'Impersonate-User': 'bob', 'Impersonate-Uid': '1' })).status).to.equal(403);
    const extra = await as({ 'Impersonate-User': 'bob', 'Impersonate-Extra-%ZZ': 'x' });
    expect(extra.status, extra.text).to.equal(403);
    expect(extra.body.message).to.equal(
      'userextras.authentication.k8s.io "x" is forbidden: User "ivan" cannot impersonate resource "userextras/%zz" in API group "authentication.k8s.io" at the cluster scope',
    );
  });

  it('refuses an expired certificate, one signed by a client certificate and a serving certificate with 401', async () => {
    const dir = s.pki.dir;
    const expired = forge(dir, 'expired', '/O=system:masters/CN=old-admin', -1);
    expect((await whoami(s, { ca: s.pki.ca, ...expired })).status).to.equal(401);
    const leaf = forge(dir, 'leaf', '/CN=leaf', 30);
    const chained = forge(dir, 'chained', '/O=system:masters/CN=root', 30, 'leaf');
    expect(
      (await whoami(s, { ca: s.pki.ca, cert: Buffer.concat([chained.cert, leaf.cert]), key: chained.key })).status,
    ).to.equal(401);
    expect((await whoami(s, { ca: s.pki.ca, ...leaf })).body.status?.userInfo?.username).to.equal('leaf');
    const serving = s.pki.serving('kubelet-serving');
    expect((await whoami(s, { ca: s.pki.ca, cert: serving.cert, key: serving.key })).status).to.equal(401);
  });
});
