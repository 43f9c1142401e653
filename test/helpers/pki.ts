/**
 * Certificates for tests, made by hack/lib/pki.sh (Debian's openssl) — the same functions
 * hack/local-up-cluster.sh uses, so tests and the local cluster share one PKI recipe.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const pkiScript = path.resolve(__dirname, '../../../hack/lib/pki.sh');

/** A PEM certificate and key on disk. */
export interface CertPair {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

function run(fn: string, args: string[]): void {
  execFileSync('bash', ['-c', `source "$0"; ${fn} "$@"`, pkiScript, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): CertPair {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** A CA in `dir` (ca.crt, ca.key) that signs the certificates below. */
export class TestPki {
  readonly caFile: string;
  readonly ca: Buffer;

  constructor(readonly dir: string) {
    run('kube::pki::ca', [dir]);
    this.caFile = path.join(dir, 'ca.crt');
    this.ca = readFileSync(this.caFile);
  }

  /** A serving certificate for localhost / 127.0.0.1 (plus `sans`, e.g. "DNS:node-1"). */
  serving(name: string, sans: string[] = []): CertPair {
    run('kube::pki::serving_cert', [this.dir, name, ['DNS:localhost', 'IP:127.0.0.1', ...sans].join(',')]);
    return pair(this.dir, name);
  }

  /** A client certificate: CN = user, one O per group. */
  client(name: string, user: string, groups: string[] = []): CertPair {
    run('kube::pki::client_cert', [this.dir, name, user, ...groups]);
    return pair(this.dir, name);
  }
}
