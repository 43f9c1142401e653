/**
 * HAProxy in front of a secure apiserver, configured by hack/lib/haproxy.sh as
 * local-up-cluster does it: TCP pass-through keeps x509 client authentication working through
 * the balancer, and the /readyz health checks work over TLS (check-ssl) — the same checks
 * without TLS mark the very same apiserver down, so the test can tell them apart. Skipped
 * without Debian's haproxy (hack/test.sh installs it for the e2e tier).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { freePort } from '../../helpers/cluster';
import { haproxyBin, startHaproxy, type TestHaproxy } from '../../helpers/haproxy';
import { tlsRequest } from '../../helpers/https';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer, whoami } from './support';

describe('integration: HAProxy (hack/lib/haproxy.sh) in front of a secure apiserver', function () {
  this.timeout(30_000);
  let s: SecureTestServer;
  let dir: string;
  let lb: TestHaproxy | undefined;

  before(async function () {
    if (!haproxyBin) {
      console.log('    skipped: haproxy is not installed (apt-get install haproxy)');
      this.skip();
    }
    s = await SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-haproxy-'));
  });
  afterEach(() => lb?.stop());
  after(async () => {
    await s?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A balancer over the secure apiserver and a port nothing listens on (checked the same way). */
  async function balancer(tls: boolean): Promise<TestHaproxy> {
    const port = Number(new URL(s.url).port);
    lb = await startHaproxy({ bin: haproxyBin ?? '', dir, tls, backends: [port, await freePort()] });
    const started = lb;
    // The dead backend's 2 failed checks: by then the apiserver had its 2 checks too.
    await waitFor(
      () => /apiserver-2 is DOWN/.test(started.log()),
      10_000,
      `haproxy to mark the dead backend down\n${started.log()}`,
    );
    return started;
  }

  it('TLS health checks keep the apiserver up; a client certificate authenticates through the balancer', async () => {
    const b = await balancer(true);
    expect(b.log(), 'the apiserver passes its /readyz checks').to.not.match(/apiserver-1 is DOWN/);
    const alice = s.user('alice', ['devs']);
    const r = await whoami(s, alice);
    expect(r.status).to.equal(201);
    const through = await tlsRequest<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(
      `https://${b.address}`,
      alice,
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
    );
    expect(through.status, through.text).to.equal(201);
    expect(through.body.status?.userInfo?.username).to.equal('alice');
    expect(through.body.status?.userInfo?.groups).to.include('devs');
  });

  it('the same checks without TLS mark the secure apiserver down (what check-ssl is for)', async () => {
    const b = await balancer(false);
    await waitFor(
      () => /apiserver-1 is DOWN/.test(b.log()),
      10_000,
      `plain checks failing on the TLS port\n${b.log()}`,
    );
  });
});
