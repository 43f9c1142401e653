/**
 * Who may do what, end to end: a secure cluster (TLS, x509 client certificates, Node + RBAC,
 * every component with its own identity) and the real kubectl with generated kubeconfigs.
 * `alice` (a client certificate CN=alice, no groups) is bound to ClusterRole `edit` in
 * namespace team-a by a RoleBinding. There she creates a claim and a pod mounting it and reads
 * the pod's logs; she cannot create a PersistentVolume or a StorageClass (Kubernetes' 403
 * wording), cannot read team-b, and cannot read the kubelet's port directly (403 with her
 * certificate, 401 without one); the admin's `kubectl auth can-i --as alice` agrees; `kubectl
 * auth whoami` names her; the audit log records her refused create.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { TestCluster } from '../../helpers/cluster';
import { tlsRequest } from '../../helpers/https';
import { waitFor } from '../../helpers/wait';
import { claimObject, podObject, useKubeletCluster, waitCanI } from '../kubelet/support';

const pvManifest = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: alice-pv
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  storageClassName: hostPath
  hostPath:
    path: /etc
`;

const storageClassManifest = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: alice-class
provisioner: kubestore.io/hostpath
parameters:
  path: /etc
`;

/** One line of the audit log (the fields this test reads). */
interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string };
  responseStatus: { code: number };
}

describe('e2e/auth: alice, bound to edit in team-a (real kubectl, generated kubeconfigs)', function () {
  this.timeout(180_000);
  let c: TestCluster;
  let alice: string;

  useKubeletCluster((cluster) => (c = cluster));

  /** kubectl as alice. */
  const asAlice = (args: string[], input?: string) => c.kubectl(args, input, alice);

  before(async () => {
    if (!c) return;
    alice = c.userKubeconfig('alice');
    await c.ok(['create', 'namespace', 'team-a']);
    await c.ok(['create', 'namespace', 'team-b']);
    await c.ok(['create', 'rolebinding', 'alice-edit', '--clusterrole=edit', '--user=alice', '-n', 'team-a']);
    await waitCanI(c, alice, ['create', 'pods', '-n', 'team-a']);
  });

  it('kubectl auth whoami names her (her groups: only system:authenticated)', async () => {
    const out = await c.ok(
      ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'],
      undefined,
      alice,
    );
    expect(out).to.equal('alice ["system:authenticated"]');
  });

  it("creates a claim and a pod mounting it in team-a, and reads the pod's logs", async () => {
    const claim = { ...claimObject('alice-data'), metadata: { name: 'alice-data', namespace: 'team-a' } };
    const pod = podObject('alice-pod', {
      claim: 'alice-data',
      script: 'echo hello from alice > /data/x; cat /data/x; sleep 3600',
    });
    pod.metadata.namespace = 'team-a';
    await c.ok(['create', '-f', '-'], `${JSON.stringify(claim)}\n${JSON.stringify(pod)}\n`, alice);
    await c.waitJsonpath(['get', 'pvc', 'alice-data', '-n', 'team-a'], '{.status.phase}', 'Bound');
    await c.waitJsonpath(['get', 'pod', 'alice-pod', '-n', 'team-a'], '{.status.phase}', 'Running');
    let logs = '';
    await waitFor(
      async () => (logs = (await asAlice(['logs', 'alice-pod', '-n', 'team-a'])).stdout).includes('hello from alice'),
      30_000,
      `alice's kubectl logs (last: ${logs})`,
    );
    expect(await c.ok(['get', 'pvc,pod', '-n', 'team-a', '-o', 'name'], undefined, alice)).to.equal(
      'persistentvolumeclaim/alice-data\npod/alice-pod\n',
    );
  });

  it("cannot create a PersistentVolume or a StorageClass: Kubernetes' 403, word for word", async () => {
    const pv = await asAlice(['create', '-f', '-'], pvManifest);
    expect(pv.code).to.equal(1);
    expect(pv.stderr).to.contain('Error from server (Forbidden)');
    expect(pv.stderr).to.contain(
      'persistentvolumes is forbidden: User "alice" cannot create resource "persistentvolumes" in API group "" at the cluster scope',
    );
    const sc = await asAlice(['create', '-f', '-'], storageClassManifest);
    expect(sc.code).to.equal(1);
    expect(sc.stderr).to.contain(
      'storageclasses.storage.k8s.io is forbidden: User "alice" cannot create resource "storageclasses" in API group "storage.k8s.io" at the cluster scope',
    );
    expect((await c.kubectl(['get', 'pv', 'alice-pv'])).stderr, 'nothing was created').to.contain('NotFound');
    expect((await c.kubectl(['get', 'storageclass', 'alice-class'])).stderr).to.contain('NotFound');
  });

  it('cannot read team-b (nor list claims cluster-wide)', async () => {
    await c.ok(
      ['create', '-f', '-'],
      JSON.stringify({ ...claimObject('b-data'), metadata: { name: 'b-data', namespace: 'team-b' } }),
    );
    const list = await asAlice(['get', 'pvc', '-n', 'team-b']);
    expect(list.code).to.equal(1);
    expect(list.stderr).to.contain(
      'persistentvolumeclaims is forbidden: User "alice" cannot list resource "persistentvolumeclaims" in API group "" in the namespace "team-b"',
    );
    const get = await asAlice(['get', 'pvc', 'b-data', '-n', 'team-b']);
    expect(get.stderr).to.contain(
      'persistentvolumeclaims "b-data" is forbidden: User "alice" cannot get resource "persistentvolumeclaims" in API group "" in the namespace "team-b"',
    );
    const all = await asAlice(['get', 'pvc', '-A']);
    expect(all.stderr).to.contain(
      'persistentvolumeclaims is forbidden: User "alice" cannot list resource "persistentvolumeclaims" in API group "" at the cluster scope',
    );
  });

  it("cannot read the kubelet's port directly: 403 with her certificate, 401 without one", async () => {
    const pki = c.pki;
    if (!pki) throw new Error('a secure cluster has a PKI');
    const port = await c.ok([
      'get',
      'node',
      c.nodeName,
      '-o',
      'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}',
    ]);
    const kubelet = `https://127.0.0.1:${port}`;
    const logsPath = '/containerLogs/team-a/alice-pod/main';
    const withCert = await tlsRequest(kubelet, pki.identity(pki.user('alice')), 'GET', logsPath);
    expect(withCert.status, withCert.text).to.equal(403);
    expect(withCert.text).to.not.contain('hello from alice');
    const anonymous = await tlsRequest(kubelet, pki.identity(), 'GET', logsPath);
    expect(anonymous.status, anonymous.text).to.equal(401);
    expect(anonymous.text).to.not.contain('hello from alice');
    // The apiserver's own client certificate is let through: the same logs via pods/log work.
    expect((await tlsRequest(kubelet, pki.identity(pki.apiserverKubeletClient), 'GET', logsPath)).text).to.contain(
      'hello from alice',
    );
  });

  it("the admin's kubectl auth can-i --as alice: no PV create, yes pods in team-a, nothing in team-b", async () => {
    const pv = await c.kubectl(['auth', 'can-i', 'create', 'pv', '--as', 'alice']);
    expect([pv.code, pv.stdout.trim()]).to.deep.equal([1, 'no']);
    const pods = await c.kubectl(['auth', 'can-i', 'create', 'pods', '-n', 'team-a', '--as', 'alice']);
    expect([pods.code, pods.stdout.trim()]).to.deep.equal([0, 'yes']);
    const b = await c.kubectl(['auth', 'can-i', 'get', 'pvc', '-n', 'team-b', '--as', 'alice']);
    expect([b.code, b.stdout.trim()]).to.deep.equal([1, 'no']);
    // Her own view agrees.
    const own = await asAlice(['auth', 'can-i', 'create', 'persistentvolumes']);
    expect([own.code, own.stdout.trim()]).to.deep.equal([1, 'no']);
  });

  it('the audit log records her refused PersistentVolume create (user, verb, resource, 403)', () => {
    const events = readFileSync(c.auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
    const refused = events.filter(
      (e) => e.user.username === 'alice' && e.verb === 'create' && e.objectRef?.resource === 'persistentvolumes',
    );
    expect(refused.map((e) => e.responseStatus.code)).to.deep.equal([403]);
  });
});
