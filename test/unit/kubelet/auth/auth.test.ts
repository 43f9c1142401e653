/** The kubelet server's authentication and authorization decisions, with a fake apiserver for the reviews. */
import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../../../pkg/api/errors';
import { KubeletAuthenticator } from '../../../../pkg/kubelet/auth/authentication';
import {
  KubeletAuthorizationMode,
  KubeletAuthorizer,
  kubeletAttributes,
  kubeletSubresource,
} from '../../../../pkg/kubelet/auth/authorization';
import { TtlCache } from '../../../../pkg/kubelet/auth/ttl_cache';
import { silentLogger } from '../../../../pkg/log/logger';

const alice = { username: 'alice', groups: ['system:authenticated'] };

/** A request without a TLS socket, carrying `headers`. */
const req = (headers: Record<string, string> = {}) => ({ headers, socket: {} }) as unknown as IncomingMessage;

async function statusCode(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof StatusError ? err.code : -1;
  }
}

describe('kubelet server auth', () => {
  it('maps paths to nodes subresources and methods to verbs', () => {
    expect(kubeletSubresource('/containerLogs/ns/pod/c')).to.equal('log');
    expect(kubeletSubresource('/containerLogsX')).to.equal('proxy');
    expect(kubeletSubresource('/metrics')).to.equal('metrics');
    expect(kubeletSubresource('/stats/summary')).to.equal('stats');
    expect(kubeletSubresource('/statsX')).to.equal('proxy');
    expect(kubeletSubresource('/pods')).to.equal('proxy');
    expect(kubeletAttributes(alice, 'node-a', 'POST', '/exec/x')).to.include({
      verb: 'create',
      resource: 'nodes',
      subresource: 'proxy',
      name: 'node-a',
      apiGroup: '',
    });
  });

  it('checks bearer tokens with a TokenReview, caches the answer, and never falls back to anonymous', async () => {
    const posted: unknown[] = [];
    const a = new KubeletAuthenticator({
      x509: true,
      anonymous: true,
      logger: silentLogger(),
      webhook: async (p, body) => {
        posted.push({ p, body });
        const token = (body as { spec: { token: string } }).spec.token;
        return {
          status:
            token === 'good'
              ? { authenticated: true, user: { username: 'bob', uid: 'u1', groups: ['devs'] } }
              : { authenticated: false },
        };
      },
    });
    expect(await a.authenticate(req({ authorization: 'Bearer good' }))).to.deep.equal({
      username: 'bob',
      uid: 'u1',
      groups: ['devs', 'system:authenticated'],
    });
    await a.authenticate(req({ authorization: 'Bearer good' }));
    expect(posted).to.have.length(1);
    expect(posted[0]).to.deep.include({ p: '/apis/authentication.k8s.io/v1/tokenreviews' });
    expect(await statusCode(a.authenticate(req({ authorization: 'Bearer bad' })))).to.equal(401);
    expect(await statusCode(a.authenticate(req({ authorization: 'Basic eDp5' })))).to.equal(401);
    expect(await a.authenticate(req())).to.deep.equal({
      username: 'system:anonymous',
      groups: ['system:unauthenticated'],
    });
  });

  it('refuses tokens without the webhook, anonymous requests without --anonymous-auth, and an unreachable apiserver', async () => {
    const noWebhook = new KubeletAuthenticator({ x509: false, anonymous: false, logger: silentLogger() });
    expect(await statusCode(noWebhook.authenticate(req({ authorization: 'Bearer good' })))).to.equal(401);
    expect(await statusCode(noWebhook.authenticate(req()))).to.equal(401);
    const down = new KubeletAuthenticator({
      x509: false,
      anonymous: false,
      logger: silentLogger(),
      webhook: () => Promise.reject(new Error('connection refused')),
    });
    expect(await statusCode(down.authenticate(req({ authorization: 'Bearer good' })))).to.equal(401);
  });

  it('Webhook: asks a SubjectAccessReview about nodes/<sub>, caches it, and is a 500 (never an allow) when the apiserver fails', async () => {
    const specs: unknown[] = [];
    let fail = false;
    const z = new KubeletAuthorizer({
      mode: KubeletAuthorizationMode.Webhook,
      logger: silentLogger(),
      webhook: async (_p, body) => {
        if (fail) throw new Error('down');
        const spec = (body as { spec: { user: string; resourceAttributes: { subresource: string } } }).spec;
        specs.push(spec);
        return {
          status: { allowed: spec.user === 'admin' && spec.resourceAttributes.subresource === 'log', reason: 'rbac' },
        };
      },
    });
    const logs = (u: typeof alice) => kubeletAttributes(u, 'node-a', 'GET', '/containerLogs/a/b/c');
    expect(await z.authorize(logs(alice))).to.deep.equal({ allowed: false, reason: 'rbac' });
    expect(specs[0]).to.deep.equal({
      user: 'alice',
      groups: ['system:authenticated'],
      resourceAttributes: {
        verb: 'get',
        group: '',
        version: 'v1',
        resource: 'nodes',
        subresource: 'log',
        name: 'node-a',
      },
    });
    const admin = { username: 'admin', groups: ['system:masters'] };
    expect((await z.authorize(logs(admin))).allowed).to.equal(true);
    fail = true;
    expect((await z.authorize(logs(admin))).allowed).to.equal(true); // cached
    expect(await statusCode(z.authorize(kubeletAttributes(admin, 'node-a', 'GET', '/metrics')))).to.equal(500);
    const open = new KubeletAuthorizer({ mode: KubeletAuthorizationMode.AlwaysAllow, logger: silentLogger() });
    expect((await open.authorize(logs(alice))).allowed).to.equal(true);
  });

  it('expires cache entries and keeps at most its capacity', () => {
    let now = 0;
    const c = new TtlCache<number>(2, () => now);
    c.set('a', 1, 100);
    c.set('b', 2, 100);
    c.set('c', 3, 100);
    expect(c.get('a')).to.equal(undefined);
    expect(c.get('b')).to.equal(2);
    now = 100;
    expect(c.get('b')).to.equal(undefined);
    c.set('z', 9, 0);
    expect(c.get('z')).to.equal(undefined);
  });
});
