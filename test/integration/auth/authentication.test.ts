/**
 * Authentication on the secure port (real etcd, real TLS): x509 client certificates, static
 * tokens, anonymous, 401 for a bad credential (never anonymous), impersonation, and the plain
 * test port acting as a superuser.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { RestClient } from '../../../pkg/client/rest';
import { request } from '../../helpers/http';
import { TestPki } from '../../helpers/pki';
import { SecureTestServer, whoami } from './support';

const tokens = { 'tok-bob': { username: 'bob', uid: 'uid-bob', groups: ['devs', 'ops'] } };

describe('authentication (secure port, real TLS)', function () {
  this.timeout(60_000);
  let s: SecureTestServer;

  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.AlwaysAllow], tokens });
  });
  after(() => s.stop());

  it('names the user of a client certificate by CN and its groups by O', async () => {
    const res = await whoami(s, s.user('alice', ['team-a', 'team-b']));
    expect(res.status).to.equal(201);
    expect(res.body.status?.userInfo).to.deep.equal({
      username: 'alice',
      groups: ['team-a', 'team-b', 'system:authenticated'],
    });
  });

  it('refuses a certificate from another CA with 401, not as anonymous', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-other-ca-'));
    try {
      const other = new TestPki(dir).client('mallory', 'mallory', ['system:masters']);
      const res = await whoami(s, { ca: s.pki.ca, cert: other.cert, key: other.key });
      expect(res.status).to.equal(401);
      expect(res.body).to.include({ kind: 'Status', reason: 'Unauthorized', code: 401, message: 'Unauthorized' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the user of a static token with uid and groups', async () => {
    const res = await whoami(s, s.nobody, { Authorization: 'Bearer tok-bob' });
    expect(res.body.status?.userInfo).to.deep.equal({
      username: 'bob',
      uid: 'uid-bob',
      groups: ['devs', 'ops', 'system:authenticated'],
    });
  });

  it('answers an unknown bearer token with 401 and does nothing', async () => {
    const res = await s.request(s.nobody, 'POST', '/api/v1/namespaces', {
      body: { metadata: { name: 'by-a-bad-token' } },
      headers: { Authorization: 'Bearer nope' },
    });
    expect(res.status).to.equal(401);
    expect((await request(s.api.url, 'GET', '/api/v1/namespaces/by-a-bad-token')).status).to.equal(404);
  });

  it('treats a request without credentials as system:anonymous', async () => {
    const res = await whoami(s, s.nobody);
    expect(res.body.status?.userInfo).to.deep.equal({
      username: 'system:anonymous',
      groups: ['system:unauthenticated'],
    });
  });

  it('acts as the impersonated user, groups and extra for an allowed caller', async () => {
    const res = await whoami(s, s.user('admin', ['system:masters']), {
      'Impersonate-User': 'carol',
      'Impersonate-Group': ['g1', 'g2'],
      'Impersonate-Extra-Scopes': 'view',
    });
    expect(res.body.status?.userInfo).to.deep.equal({
      username: 'carol',
      groups: ['g1', 'g2', 'system:authenticated'],
      extra: { scopes: ['view'] },
    });
  });

  it('refuses impersonation headers without Impersonate-User (400)', async () => {
    const res = await whoami(s, s.user('admin', ['system:masters']), { 'Impersonate-Group': 'g1' });
    expect(res.status).to.equal(400);
  });

  it('lets the REST client authenticate with a certificate and verify the server against its CA', async () => {
    const alice = s.user('alice', ['team-a']);
    const client = new RestClient({
      server: s.url,
      tls: { ca: s.pki.ca, cert: alice.cert ?? Buffer.alloc(0), key: alice.key ?? Buffer.alloc(0) },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-wrong-ca-'));
    const stranger = new RestClient({ server: s.url, tls: { ca: new TestPki(dir).ca } });
    try {
      const review = await client.request<{ status: { userInfo: { username: string } } }>(
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { body: {} },
      );
      expect(review.status.userInfo.username).to.equal('alice');
      let err: unknown;
      await stranger.request('GET', '/version').catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/self-signed certificate|unable to verify|certificate/i);
    } finally {
      client.close();
      stranger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the plain test port as a superuser without credentials', async () => {
    const res = await request<{ status?: { userInfo?: { username: string; groups: string[] } } }>(
      s.api.url,
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      {},
    );
    expect(res.body.status?.userInfo).to.deep.equal({
      username: 'system:unsecured',
      groups: ['system:masters', 'system:authenticated'],
    });
  });
});

describe('authentication with --anonymous-auth=false', function () {
  this.timeout(60_000);
  let s: SecureTestServer;

  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.AlwaysAllow], anonymous: false });
  });
  after(() => s.stop());

  it('answers a request without credentials with 401', async () => {
    const res = await s.request(s.nobody, 'GET', '/version');
    expect(res.status).to.equal(401);
    expect(res.body).to.include({ reason: 'Unauthorized' });
  });

  it('still authenticates a client certificate', async () => {
    expect((await s.request(s.user('alice'), 'GET', '/version')).status).to.equal(200);
  });
});
