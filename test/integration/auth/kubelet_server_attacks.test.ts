/**
 * The kubelet's TLS server against a real apiserver (Node + RBAC, real etcd, real TLS): client
 * certificates are verified against its --client-ca-file, bearer tokens through a TokenReview,
 * and every request but /healthz is a SubjectAccessReview on nodes/log|metrics|proxy of its
 * node. Tried as a stranger would: anonymous, a certificate of another CA, an unknown token, a
 * user allowed nothing on nodes, a user allowed only nodes/metrics, and case or path tricks.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { RestClient } from '../../../pkg/client/rest';
import { secureServing } from '../../../pkg/kubelet/auth/serving';
import { KubeletAuthorizationMode } from '../../../pkg/kubelet/auth/authorization';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { startKubeletServer } from '../../../pkg/kubelet/server';
import { silentLogger } from '../../../pkg/log/logger';
import { Registry } from '../../../pkg/metrics/registry';
import { request } from '../../helpers/http';
import { tlsRequest, type TlsIdentity } from '../../helpers/https';
import { TestPki } from '../../helpers/pki';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const rbac = '/apis/rbac.authorization.k8s.io/v1';

describe('kubelet TLS server: authentication and authorization through the apiserver', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  let client: RestClient;
  const kubelets: { url: string; stop(): Promise<void> }[] = [];
  let strangerDir: string;

  /** A kubelet server for node-a; its webhooks go to the apiserver as system:node:node-a. */
  async function kubelet(anonymous: boolean): Promise<string> {
    const serving = s.pki.serving(`kubelet-${kubelets.length}`);
    const post = (p: string, body: unknown) => client.request<unknown>('POST', p, { body });
    const logger = silentLogger();
    const server = await startKubeletServer({
      address: '127.0.0.1',
      port: 0,
      runtime: new FakeRuntime({ images: [] }),
      pod: () => undefined,
      healthy: () => true,
      metrics: new Registry(),
      logger,
      tls: secureServing(
        {
          cert: serving.cert,
          key: serving.key,
          clientCA: s.pki.ca,
          anonymous,
          tokenWebhook: true,
          authorizationMode: KubeletAuthorizationMode.Webhook,
        },
        post,
        'node-a',
        logger,
      ),
    });
    const url = `https://127.0.0.1:${server.port}`;
    kubelets.push({ url, stop: server.stop });
    return url;
  }
  const get = (url: string, id: TlsIdentity, p: string, headers: Record<string, string> = {}) =>
    tlsRequest(url, id, 'GET', p, { headers });

  before(async () => {
    s = await SecureTestServer.start({
      modes: [AuthorizationMode.Node, AuthorizationMode.RBAC],
      tokens: { 'ops-token': { username: 'ops', groups: [] } },
    });
    const node = s.user('system:node:node-a', ['system:nodes']);
    client = new RestClient({
      server: s.url,
      tls: { ca: s.pki.ca, cert: node.cert ?? Buffer.alloc(0), key: node.key ?? Buffer.alloc(0) },
    });
    const post = async (p: string, body: unknown) =>
      expect((await request(s.api.url, 'POST', p, body)).status).to.equal(201);
    await post(`${rbac}/clusterroles`, {
      metadata: { name: 'metrics-reader' },
      rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes/metrics'] }],
    });
    const crb = (name: string, role: string, user: string) => ({
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
    });
    await post(`${rbac}/clusterrolebindings`, crb('apiserver-kubelet', 'system:kubelet-api-admin', 'kube-apiserver'));
    await post(`${rbac}/clusterrolebindings`, crb('ops-kubelet', 'system:kubelet-api-admin', 'ops'));
    await post(`${rbac}/clusterrolebindings`, crb('mona-metrics', 'metrics-reader', 'mona'));
    const store = s.api.server.store('rbac.authorization.k8s.io', 'clusterrolebindings');
    await waitFor(() => store.cache.getCached(store.key(undefined, 'mona-metrics')) !== undefined);
    strangerDir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-stranger-'));
  });
  after(async () => {
    for (const k of kubelets) await k.stop();
    client.close();
    rmSync(strangerDir, { recursive: true, force: true });
    await s.stop();
  });

  it('serves /healthz to anyone, and nothing else to anonymous (403) or, with --anonymous-auth=false, 401', async () => {
    const open = await kubelet(true);
    const closed = await kubelet(false);
    expect((await get(open, s.nobody, '/healthz')).status).to.equal(200);
    expect((await get(closed, s.nobody, '/healthz')).status).to.equal(200);
    const anon = await get(open, s.nobody, '/metrics');
    expect(anon.status).to.equal(403);
    expect(anon.body.message).to.equal(
      'nodes "node-a" is forbidden: User "system:anonymous" cannot get resource "nodes/metrics" in API group "" at the cluster scope',
    );
    expect((await get(open, s.nobody, '/containerLogs/team/p/c')).status).to.equal(403);
    expect((await get(closed, s.nobody, '/metrics')).status).to.equal(401);
  });

  it('refuses a certificate of another CA and an unknown token with 401, never as anonymous', async () => {
    const url = await kubelet(true);
    const other = new TestPki(strangerDir);
    const c = other.client('admin', 'kube-apiserver', ['system:masters']);
    expect((await get(url, { ca: s.pki.ca, cert: c.cert, key: c.key }, '/metrics')).status).to.equal(401);
    expect((await get(url, s.nobody, '/metrics', { Authorization: 'Bearer nope' })).status).to.equal(401);
    expect((await get(url, s.nobody, '/metrics', { Authorization: 'Bearer ops-token' })).status).to.equal(200);
  });

  it('authorizes each path as its nodes subresource: a user without nodes/log reads no logs', async () => {
    const url = await kubelet(true);
    const alice = s.user('alice');
    const mona = s.user('mona');
    const forbidden = await get(url, alice, '/containerLogs/team/p/c');
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.message).to.equal(
      'nodes "node-a" is forbidden: User "alice" cannot get resource "nodes/log" in API group "" at the cluster scope',
    );
    expect((await get(url, mona, '/metrics')).status).to.equal(200);
    for (const p of [
      '/containerLogs/team/p/c',
      '/containerlogs/team/p/c',
      '/CONTAINERLOGS/team/p/c',
      '/metrics/../containerLogs/team/p/c',
      '/%63ontainerLogs/team/p/c',
    ]) {
      expect((await get(url, mona, p)).status, p).to.equal(403);
    }
    // The apiserver's identity (bound to system:kubelet-api-admin) reaches the logs endpoint (404: no such pod here).
    expect((await get(url, s.user('kube-apiserver'), '/containerLogs/team/p/c')).status).to.equal(404);
  });
});
