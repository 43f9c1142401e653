/**
 * A real kubelet (fake container runtime) against a secure apiserver with the Node authorizer
 * (real etcd, real TLS): it registers, renews its Lease and runs its pod with a claim using
 * only what the Node authorizer and NodeRestriction allow it (its client certificate is
 * system:node:node-a). Its own HTTPS server authenticates (x509 from the kubelet CA, bearer
 * tokens through TokenReviews) and authorizes with real SubjectAccessReviews: anonymous and bad
 * credentials are 401, alice is 403 (no nodes/log), the apiserver's kubelet client certificate
 * reads logs, and `pods/log` through the apiserver reaches the kubelet over verified TLS.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../../../pkg/api/core/v1';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { KubeletAuthorizationMode } from '../../../pkg/kubelet/auth/authorization';
import { run } from '../../../pkg/kubelet/kubelet';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import { silentLogger } from '../../../pkg/log/logger';
import { request } from '../../helpers/http';
import { tlsRequest, type TlsIdentity } from '../../helpers/https';
import { TestPki } from '../../helpers/pki';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const ns = 'team';

describe('kubelet over TLS with the Node authorizer (real etcd, real TLS)', function () {
  this.timeout(90_000);
  let s: SecureTestServer;
  let kpki: TestPki;
  let tmp: string;
  let kubeletUrl = '';
  const rt = new FakeRuntime({ images: ['busybox'] });
  const stop = new AbortController();
  let kubelet: Promise<void> | undefined;
  /** Identities signed by the kubelet CA (what the kubelet's --client-ca-file trusts). */
  let apiserverClient: TlsIdentity;
  let aliceAtKubelet: TlsIdentity;
  let nodeBAtKubelet: TlsIdentity;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-kubelet-tls-'));
    kpki = new TestPki(path.join(tmp, 'kubelet-pki'));
    const serving = kpki.serving('kubelet-node-a');
    const client = kpki.client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']);
    const alice = kpki.client('alice', 'alice');
    apiserverClient = { ca: kpki.ca, cert: client.cert, key: client.key };
    aliceAtKubelet = { ca: kpki.ca, cert: alice.cert, key: alice.key };
    const nodeB = kpki.client('node-b', 'system:node:node-b', ['system:nodes']);
    nodeBAtKubelet = { ca: kpki.ca, cert: nodeB.cert, key: nodeB.key };
    s = await SecureTestServer.start({
      modes: [AuthorizationMode.Node, AuthorizationMode.RBAC],
      tokens: { 'tok-alice': { username: 'alice', groups: [] } },
      config: { kubeletClient: { cert: client.cert, key: client.key, ca: kpki.ca } },
    });
    const node = s.user('system:node:node-a', ['system:nodes']);
    kubelet = run(
      {
        client: {
          server: s.url,
          tls: { ca: s.pki.ca, ...(node.cert && node.key ? { cert: node.cert, key: node.key } : {}) },
        },
        nodeName: 'node-a',
        rootDir: path.join(tmp, 'kubelet'),
        hostIP: '127.0.0.1',
        runtime: rt,
        drivers: testNodeDrivers(new FakeMounter({ nfsSupported: false }), {
          nfs: { exportRoot: path.join(tmp, 'nfs') },
        }),
        networkMode: 'host',
        bindAddress: '127.0.0.1',
        port: 0,
        workers: 2,
        heartbeatMs: 500,
        volumeStatsPeriodMs: 200,
        logger: silentLogger(),
        tls: {
          cert: serving.cert,
          key: serving.key,
          clientCA: kpki.ca,
          anonymous: false,
          tokenWebhook: true,
          authorizationMode: KubeletAuthorizationMode.Webhook,
        },
      },
      stop.signal,
    );
    await waitFor(
      async () => {
        const r = await request<Node>(s.api.url, 'GET', '/api/v1/nodes/node-a');
        const port = r.status === 200 ? r.body.status?.daemonEndpoints?.kubeletEndpoint?.Port : undefined;
        if (port) kubeletUrl = `https://127.0.0.1:${port}`;
        return port !== undefined;
      },
      20_000,
      'node-a to register with its kubelet endpoint',
    );
    // Every test below reads pod web: create it here, not in the first it(), so each test
    // stands alone under --grep.
    const plain = async (method: string, p: string, body: unknown) => {
      const r = await request(s.api.url, method, p, body);
      expect(r.status, `${method} ${p}: ${r.text}`).to.be.oneOf([200, 201]);
      return r.body;
    };
    await plain('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    await plain('POST', '/api/v1/persistentvolumes', {
      metadata: { name: 'pv-web' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        hostPath: { path: path.join(tmp, 'pv-web') },
        claimRef: { namespace: ns, name: 'data' },
      },
    });
    const claim = await plain('POST', `/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: '',
        volumeName: 'pv-web',
      },
    });
    await plain('PUT', `/api/v1/namespaces/${ns}/persistentvolumeclaims/data/status`, {
      ...claim,
      status: { phase: 'Bound' },
    });
    await plain('POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: 'web' },
      spec: {
        nodeName: 'node-a',
        containers: [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    await waitFor(
      async () =>
        (await request<Pod>(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/web`)).body.status?.phase === 'Running',
      20_000,
      'pod web Running',
    );
  });
  after(async () => {
    stop.abort();
    await kubelet;
    await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const kubeletGet = (id: TlsIdentity, p: string, headers: Record<string, string> = {}) =>
    tlsRequest(kubeletUrl, id, 'GET', p, { headers });

  it('registers, renews its Lease and runs its pod with a claim, reading only what the Node authorizer allows', async () => {
    // The pod was created in before() (so a --grep that skips this test still has it) and is Running there.
    const pod = (await request<Pod>(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/web`)).body;
    expect(pod.status?.phase).to.equal('Running');
    const lease = await request<{ spec?: { holderIdentity?: string } }>(
      s.api.url,
      'GET',
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a',
    );
    expect(lease.body.spec?.holderIdentity).to.equal('node-a');
  });

  it('serves /healthz to anyone and refuses anonymous requests and bad credentials with 401', async () => {
    expect((await kubeletGet({ ca: kpki.ca }, '/healthz')).status).to.equal(200);
    for (const p of [`/containerLogs/${ns}/web/app`, '/metrics', '/stats/summary']) {
      const anon = await kubeletGet({ ca: kpki.ca }, p);
      expect(anon.status, p).to.equal(401);
      expect(anon.body).to.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    // A certificate from the apiserver's CA, which this kubelet does not trust, and an unknown token.
    expect((await kubeletGet({ ca: kpki.ca, ...pick(s.user('alice')) }, '/metrics')).status).to.equal(401);
    expect((await kubeletGet({ ca: kpki.ca }, '/metrics', { Authorization: 'Bearer not-a-token' })).status).to.equal(
      401,
    );
  });

  it('refuses alice (certificate or token) with 403 from a real SubjectAccessReview', async () => {
    const byCert = await kubeletGet(aliceAtKubelet, `/containerLogs/${ns}/web/app`);
    expect(byCert.status).to.equal(403);
    expect(byCert.body).to.include({ kind: 'Status', reason: 'Forbidden' });
    expect((byCert.body as { message: string }).message).to.match(
      /^nodes "node-a" is forbidden: User "alice" cannot get resource "nodes\/log" in API group "" at the cluster scope/,
    );
    const byToken = await kubeletGet({ ca: kpki.ca }, '/metrics', { Authorization: 'Bearer tok-alice' });
    expect(byToken.status).to.equal(403);
    expect((byToken.body as { message: string }).message).to.match(/cannot get resource "nodes\/metrics"/);
    const stats = await kubeletGet({ ca: kpki.ca }, '/stats/summary', { Authorization: 'Bearer tok-alice' });
    expect(stats.status).to.equal(403);
    expect((stats.body as { message: string }).message).to.match(/cannot get resource "nodes\/stats"/);
  });

  it("refuses another node's identity its volume figures: /stats/summary and /metrics are 403", async () => {
    for (const [p, sub] of [
      ['/stats/summary', 'nodes/stats'],
      ['/metrics', 'nodes/metrics'],
    ] as const) {
      const r = await kubeletGet(nodeBAtKubelet, p);
      expect(r.status, p).to.equal(403);
      expect((r.body as { message: string }).message).to.include(
        `User "system:node:node-b" cannot get resource "${sub}"`,
      );
    }
  });

  it("serves /stats/summary with the pod's claim volume to the apiserver's client certificate", async () => {
    let pods: { podRef: { name: string }; volume: { name: string; pvcRef: { name: string } }[] }[] = [];
    await waitFor(
      async () => {
        const r = await kubeletGet(apiserverClient, '/stats/summary');
        expect(r.status, r.text).to.equal(200);
        pods = (r.body as { pods: typeof pods }).pods;
        return pods.length > 0;
      },
      20_000,
      'pod web in /stats/summary',
    );
    expect(pods[0]?.podRef.name).to.equal('web');
    expect(pods[0]?.volume.map((v) => [v.name, v.pvcRef.name])).to.deep.equal([['data', 'data']]);
  });

  it("serves logs to the apiserver's client certificate, and kubectl-style pods/log goes through the apiserver over TLS", async () => {
    const pod = (await request<Pod>(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/web`)).body;
    const [container] = await rt.listContainers({ podUid: pod.metadata.uid ?? '' });
    if (!container) throw new Error('no container for pod web');
    rt.writeLogs(container.id, 'hello over tls\n');
    const direct = await kubeletGet(apiserverClient, `/containerLogs/${ns}/web/app`);
    expect(direct.status).to.equal(200);
    expect(direct.text).to.equal('hello over tls\n');
    const viaApi = await s.request(s.user('admin', ['system:masters']), 'GET', `/api/v1/namespaces/${ns}/pods/web/log`);
    expect(viaApi.status, viaApi.text).to.equal(200);
    expect(viaApi.text).to.equal('hello over tls\n');
    // The kubelet's own identity may not read pods' logs through the apiserver.
    const asNode = await s.request(
      s.user('system:node:node-a', ['system:nodes']),
      'GET',
      `/api/v1/namespaces/${ns}/pods/web/log`,
    );
    expect(asNode.status).to.equal(403);
  });
});

function pick(id: TlsIdentity): { cert?: Buffer; key?: Buffer } {
  return { ...(id.cert ? { cert: id.cert } : {}), ...(id.key ? { key: id.key } : {}) };
}
