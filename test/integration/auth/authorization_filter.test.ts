/**
 * The authorization filter and the reviews, independent of RBAC: AlwaysDeny turns every
 * secure request into Kubernetes' 403 (word for word), writes nothing, and leaves the plain
 * test port alone; SubjectAccessReviews report the chain's decision; the audit log records
 * who did what.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

describe('authorization filter (AlwaysDeny)', function () {
  this.timeout(60_000);
  let s: SecureTestServer;

  before(async () => {
    s = await SecureTestServer.start({
      modes: [AuthorizationMode.AlwaysDeny],
      tokens: { 'tok-bob': { username: 'bob', groups: [] } },
    });
  });
  after(() => s.stop());

  it('refuses a cluster-scoped create with the exact Kubernetes message and stores nothing', async () => {
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'denied-pv' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/x' } },
    };
    const res = await s.request(s.user('alice'), 'POST', '/api/v1/persistentvolumes', { body: pv });
    expect(res.status).to.equal(403);
    expect(res.body).to.include({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message:
        'persistentvolumes is forbidden: User "alice" cannot create resource "persistentvolumes" in API group "" at the cluster scope: AlwaysDeny',
    });
    expect((await request(s.api.url, 'GET', '/api/v1/persistentvolumes/denied-pv')).status).to.equal(404);
  });

  it('names the object, the subresource, the group and the namespace', async () => {
    const res = await s.request(s.nobody, 'PUT', '/api/v1/namespaces/team-a/persistentvolumeclaims/c1/status', {
      body: {},
      headers: { Authorization: 'Bearer tok-bob' },
    });
    expect(res.body).to.include({
      message:
        'persistentvolumeclaims "c1" is forbidden: User "bob" cannot update resource "persistentvolumeclaims/status" in API group "" in the namespace "team-a": AlwaysDeny',
    });
    const sc = await s.request(s.user('alice'), 'GET', '/apis/storage.k8s.io/v1/storageclasses?watch=true');
    expect(sc.body).to.include({
      message:
        'storageclasses.storage.k8s.io is forbidden: User "alice" cannot watch resource "storageclasses" in API group "storage.k8s.io" at the cluster scope: AlwaysDeny',
    });
  });

  it('refuses a non-resource path as Kubernetes does', async () => {
    const res = await s.request(s.nobody, 'GET', '/healthz');
    expect(res.status).to.equal(403);
    expect(res.body).to.include({
      message: 'forbidden: User "system:anonymous" cannot get path "/healthz": AlwaysDeny',
    });
  });

  it('refuses impersonation the caller is not allowed', async () => {
    const res = await s.request(s.user('alice'), 'GET', '/api/v1/pods', { headers: { 'Impersonate-User': 'bob' } });
    expect(res.status).to.equal(403);
    expect(res.body).to.include({
      message:
        'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope: AlwaysDeny',
    });
  });

  it('leaves the plain test port unauthorized-free', async () => {
    expect((await request(s.api.url, 'GET', '/api/v1/persistentvolumes')).status).to.equal(200);
  });

  it('reports the decision through a SubjectAccessReview (asked on the plain port)', async () => {
    const sar = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'x' } },
    };
    const res = await request<{ status: Record<string, unknown> }>(
      s.api.url,
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      sar,
    );
    expect(res.status).to.equal(201);
    expect(res.body.status).to.deep.equal({ allowed: false, denied: true, reason: 'AlwaysDeny' });
  });

  it('validates review specs', async () => {
    const noSubject = await request(s.api.url, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'get' } },
    });
    expect(noSubject.status).to.equal(422);
    const both = await request(s.api.url, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    });
    expect(both.status).to.equal(422);
    const wrongNs = await request(
      s.api.url,
      'POST',
      '/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews',
      { spec: { user: 'u', resourceAttributes: { verb: 'get', namespace: 'b' } } },
    );
    expect(wrongNs.status).to.equal(400);
    const get = await request(s.api.url, 'GET', '/apis/authorization.k8s.io/v1/subjectaccessreviews');
    expect(get.status).to.equal(405);
  });
});

describe('reviews and the audit log (AlwaysAllow)', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  let dir: string;
  let auditFile: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-audit-'));
    auditFile = path.join(dir, 'audit.log');
    s = await SecureTestServer.start({
      modes: [AuthorizationMode.AlwaysAllow],
      tokens: { 'tok-bob': { username: 'bob', uid: 'u1', groups: ['devs'] } },
      config: { auditLogPath: auditFile },
    });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a TokenReview for a known and an unknown token', async () => {
    const known = await request<{ status: Record<string, unknown> }>(
      s.api.url,
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { spec: { token: 'tok-bob' } },
    );
    expect(known.body.status).to.deep.include({
      authenticated: true,
      user: { username: 'bob', uid: 'u1', groups: ['devs', 'system:authenticated'] },
    });
    const unknown = await request<{ status: Record<string, unknown> }>(
      s.api.url,
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { spec: { token: 'nope' } },
    );
    expect(unknown.body.status).to.include({ authenticated: false });
  });

  it('answers a SelfSubjectAccessReview as the caller', async () => {
    const res = await s.request<{ status: Record<string, unknown> }>(
      s.user('alice'),
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: { spec: { resourceAttributes: { verb: 'create', resource: 'persistentvolumes' } } },
      },
    );
    expect(res.body.status).to.deep.equal({ allowed: true, reason: 'AlwaysAllow' });
  });

  it('lists the review resources in discovery', async () => {
    const res = await request<{ resources: { name: string; verbs: string[] }[] }>(
      s.api.url,
      'GET',
      '/apis/authorization.k8s.io/v1',
    );
    expect(res.body.resources.map((r) => r.name)).to.include.members([
      'selfsubjectaccessreviews',
      'selfsubjectrulesreviews',
      'subjectaccessreviews',
      'localsubjectaccessreviews',
    ]);
    expect(res.body.resources.every((r) => r.verbs.join() === 'create')).to.equal(true);
  });

  it('records who deleted a claim, and the 401 of a bad token', async () => {
    const claim = {
      metadata: { name: 'audited' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    expect(
      (await request(s.api.url, 'POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim)).status,
    ).to.equal(201);
    expect(
      (
        await s.request(s.nobody, 'DELETE', '/api/v1/namespaces/default/persistentvolumeclaims/audited', {
          headers: { Authorization: 'Bearer tok-bob' },
        })
      ).status,
    ).to.equal(200);
    expect(
      (await s.request(s.nobody, 'GET', '/api/v1/pods', { headers: { Authorization: 'Bearer bad' } })).status,
    ).to.equal(401);
    type Ev = {
      verb: string;
      user: { username: string };
      objectRef?: { resource: string; namespace?: string; name?: string };
      responseStatus: { code: number };
    };
    const events = () =>
      readFileSync(auditFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Ev);
    await waitFor(() => events().some((e) => e.responseStatus.code === 401), 5000, 'the 401 in the audit log');
    const del = events().find((e) => e.verb === 'delete');
    expect(del).to.deep.include({
      user: { username: 'bob', uid: 'u1', groups: ['devs', 'system:authenticated'] },
      objectRef: {
        resource: 'persistentvolumeclaims',
        namespace: 'default',
        name: 'audited',
        apiGroup: '',
        apiVersion: 'v1',
      },
      responseStatus: { metadata: {}, code: 200 },
    });
    expect(events().find((e) => e.responseStatus.code === 401)?.user.username).to.equal('');
  });
});
