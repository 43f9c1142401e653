/**
 * The kubeconfigs the components are started with: what hack/lib/kubeconfig.sh writes for
 * local-up-cluster and test/helpers/kubeconfig.ts for the test clusters, with certificates
 * from hack/lib/pki.sh, read back by pkg/client/config.ts — the embedded CA, client certificate
 * and key come back byte for byte, and the plain test mode turns TLS verification off.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfig } from '../../../pkg/client/config';
import { writeKubeconfigFile } from '../../helpers/kubeconfig';
import { TestPki, type CertPair } from '../../helpers/pki';

const script = path.resolve(__dirname, '../../../../hack/lib/kubeconfig.sh');

describe('client: the kubeconfigs local-up-cluster and the test clusters generate', function () {
  this.timeout(20_000);
  let dir: string;
  let pki: TestPki;
  let kcm: CertPair;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-kubeconfig-'));
    pki = new TestPki(path.join(dir, 'pki'));
    kcm = pki.client('kube-controller-manager', 'system:kube-controller-manager');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const shellWrite = (file: string, ...args: string[]): void => {
    execFileSync('bash', ['-c', 'source "$0"; kube::kubeconfig::write "$@"', script, file, ...args]);
  };

  it('hack/lib/kubeconfig.sh with a CA and a client certificate: https, both embedded, mode 0600', () => {
    const file = path.join(dir, 'kcm.kubeconfig');
    shellWrite(file, 'https://127.0.0.1:6443', 'system:kube-controller-manager', pki.caFile, kcm.certFile, kcm.keyFile);
    expect(loadKubeconfig(file)).to.deep.equal({
      server: 'https://127.0.0.1:6443',
      tls: { ca: pki.ca, cert: kcm.cert, key: kcm.key },
    });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('hack/lib/kubeconfig.sh without certificates (the plain test mode): no credentials, TLS verification off', () => {
    const file = path.join(dir, 'plain.kubeconfig');
    shellWrite(file, 'http://127.0.0.1:8080', 'kubestore-admin');
    expect(loadKubeconfig(file)).to.deep.equal({ server: 'http://127.0.0.1:8080', tls: { insecureSkipVerify: true } });
  });

  it('test/helpers/kubeconfig.ts writes the same shape', () => {
    const file = path.join(dir, 'ts.kubeconfig');
    writeKubeconfigFile(file, {
      server: 'https://127.0.0.1:1234',
      user: 'system:node:n1',
      ca: pki.ca,
      cert: kcm.cert,
      key: kcm.key,
    });
    expect(loadKubeconfig(file)).to.deep.equal({
      server: 'https://127.0.0.1:1234',
      tls: { ca: pki.ca, cert: kcm.cert, key: kcm.key },
    });
    writeKubeconfigFile(file, { server: 'http://127.0.0.1:1234' });
    expect(loadKubeconfig(file)).to.deep.equal({ server: 'http://127.0.0.1:1234', tls: { insecureSkipVerify: true } });
  });
});
