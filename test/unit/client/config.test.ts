import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromFlags, loadKubeconfig } from '../../../pkg/client/config';

const kubeconfig = `apiVersion: v1
kind: Config
current-context: second
clusters:
- name: one
  cluster:
    server: http://10.0.0.1:8080
- name: two
  cluster:
    server: http://127.0.0.1:6443/
contexts:
- name: first
  context:
    cluster: one
    user: alice
- name: second
  context:
    cluster: two
    user: bob
users:
- name: alice
  user:
    token: alice-token
- name: bob
  user:
    token: bob-token
`;

/** Expects `fn` to throw one readable line mentioning `path`; returns the message. */
function oneLineError(fn: () => unknown, path: string): string {
  let msg = '';
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    msg = (err as Error).message;
  }
  expect(msg, 'it should have thrown').to.not.equal('');
  expect(msg).to.not.contain('\n');
  expect(msg).to.contain(path);
  expect(msg).to.not.match(/Cannot read propert|undefined/);
  return msg;
}

describe('client: kubeconfig', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("uses the current context's cluster server (trailing slash removed) and user token", () => {
    expect(loadKubeconfig(file('ok.yaml', kubeconfig))).to.deep.equal({
      server: 'http://127.0.0.1:6443',
      bearerToken: 'bob-token',
    });
  });

  it('follows current-context, not the first context', () => {
    const p = file('first.yaml', kubeconfig.replace('current-context: second', 'current-context: first'));
    expect(loadKubeconfig(p)).to.deep.equal({ server: 'http://10.0.0.1:8080', bearerToken: 'alice-token' });
  });

  it('a context without a user gives no token', () => {
    const p = file(
      'nouser.yaml',
      'current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\nclusters:\n- name: k\n  cluster:\n    server: http://h:1\n',
    );
    expect(loadKubeconfig(p)).to.deep.equal({ server: 'http://h:1' });
  });

  it('reads TLS settings: inline data, files relative to the kubeconfig, tokenFile', () => {
    writeFileSync(join(dir, 'ca.crt'), 'CA-PEM');
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const text = [
      'current-context: c',
      'contexts:\n- name: c\n  context:\n    cluster: k\n    user: u',
      'clusters:\n- name: k\n  cluster:\n    server: https://h:6443\n    certificate-authority: ca.crt\n    tls-server-name: apiserver',
      `users:\n- name: u\n  user:\n    tokenFile: token\n    client-certificate-data: ${Buffer.from('CERT').toString('base64')}\n    client-key-data: ${Buffer.from('KEY').toString('base64')}`,
      '',
    ].join('\n');
    const c = loadKubeconfig(file('tls.yaml', text));
    expect(c.server).to.equal('https://h:6443');
    expect(c.bearerToken).to.equal('file-token');
    expect(c.tls?.ca?.toString()).to.equal('CA-PEM');
    expect(c.tls?.cert?.toString()).to.equal('CERT');
    expect(c.tls?.key?.toString()).to.equal('KEY');
    expect(c.tls?.serverName).to.equal('apiserver');
  });

  it('a certificate without its key, or a missing CA file, is one readable line', () => {
    const base =
      'current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\nclusters:\n- name: k\n  cluster:\n    server: https://h:1\n';
    const p1 = file('nokey.yaml', `${base}users:\n- name: u\n  user:\n    client-certificate-data: Q0VSVA==\n`);
    expect(oneLineError(() => loadKubeconfig(p1), p1)).to.contain('needs its key');
    const p2 = file(
      'noca.yaml',
      base.replace('server: https://h:1', 'server: https://h:1\n    certificate-authority: /nonexistent/ca.crt'),
    );
    expect(oneLineError(() => loadKubeconfig(p2), '/nonexistent/ca.crt')).to.contain('ENOENT');
  });

  it('a missing file is one readable error line naming the path', () => {
    const p = join(dir, 'does-not-exist.yaml');
    const msg = oneLineError(() => loadKubeconfig(p), p);
    expect(msg).to.match(/cannot read kubeconfig/);
  });

  it('malformed YAML is one readable error line naming the path', () => {
    const p = file('bad.yaml', 'clusters: [\n  - name: x\n    cluster: {server: "http://a"\n');
    oneLineError(() => loadKubeconfig(p), p);
  });

  it('a file naming no cluster server is one readable error line', () => {
    const p = file('noserver.yaml', 'current-context: c\ncontexts: []\nclusters: []\n');
    expect(oneLineError(() => loadKubeconfig(p), p)).to.contain('no cluster server');
  });

  it('an empty file, or a document that is null, is one readable error line (not a TypeError)', () => {
    for (const [name, text] of [
      ['empty.yaml', ''],
      ['null.yaml', 'null\n'],
      ['tilde.yaml', '~\n'],
    ] as const) {
      const p = file(name, text);
      oneLineError(() => loadKubeconfig(p), p);
    }
  });

  it('configFromFlags: kubeconfig wins over --master; --master alone works; neither is an error', () => {
    const p = file('flags.yaml', kubeconfig);
    expect(configFromFlags(p, 'http://ignored:1').server).to.equal('http://127.0.0.1:6443');
    expect(configFromFlags('', 'http://127.0.0.1:8080/')).to.deep.equal({ server: 'http://127.0.0.1:8080' });
    expect(() => configFromFlags('', '')).to.throw(/--kubeconfig or --master/);
  });
});
