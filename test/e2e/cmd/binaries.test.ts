/**
 * The binaries as processes: flag validation (one line, exit 2), --help, the apiserver riding
 * out etcd being absent at start and going away later (503s, not a crash; watches resume), and
 * SIGTERM (watches closed, exit 0).
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../helpers/cluster';
import { openWatch, request } from '../../helpers/http';
import { PrivateEtcd } from '../../helpers/private_etcd';
import { waitFor } from '../../helpers/wait';

const bin = (name: string): string => path.resolve(__dirname, '../../../cmd', name, 'main.js');

function run(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin(name), ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : 1
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function exited(p: ChildProcess): Promise<number | null> {
  return p.exitCode !== null
    ? Promise.resolve(p.exitCode)
    : new Promise((resolve) => p.once('exit', (code) => resolve(code)));
}

describe('e2e: the binaries', function () {
  this.timeout(120_000);

  const badFlags: [string, string[], RegExp][] = [
    ['kube-apiserver', ['--port=abc'], /invalid integer value "abc" for flag --port/],
    ['kubelet', ['--logging-format=xml'], /--logging-format: must be "json" or "text"/],
    ['kube-apiserver', ['--etcd-servers=localhost:2379'], /--etcd-servers/],
    [
      'kube-apiserver',
      ['--etcd-servers=http://127.0.0.1:2379,'],
      /--etcd-servers: entry 2 is empty \(a stray comma\?\)/,
    ],
    [
      'kube-apiserver',
      ['--etcd-servers=http://127.0.0.1:2379,http://127.0.0.1:2379/'],
      /--etcd-servers: lists 127.0.0.1:2379 twice/,
    ],
    ['kube-apiserver', ['--no-such-flag'], /unknown flag: --no-such-flag/],
    ['kube-controller-manager', ['--master=http://127.0.0.1:1', '--controllers=*,bogus'], /unknown controller "bogus"/],
    ['kube-controller-manager', [], /one of --kubeconfig or --master is required/],
    ['kube-apiserver', ['--hostpath-allowed-roots=/srv/a,relative'], /root "relative" must be an absolute path/],
    ['kube-apiserver', ['--hostpath-allowed-roots=/'], /root "\/" is not allowed/],
    [
      'kube-controller-manager',
      ['--master=http://127.0.0.1:1', '--hostpath-allowed-roots=/srv/../etc'],
      /root "\/srv\/..\/etc" must not contain "\.\."/,
    ],
    [
      'kube-controller-manager',
      ['--master=http://127.0.0.1:1', '--hostpath-base-dir=/srv/v', '--provisioning-record-dir=/srv/v/records'],
      /--provisioning-record-dir must not be inside or contain the volume root \/srv\/v/,
    ],
    [
      'kube-controller-manager',
      ['--master=http://127.0.0.1:1', '--provisioning-record-dir=records'],
      /--provisioning-record-dir must be an absolute path/,
    ],
    ['kubelet', ['--master=http://127.0.0.1:1', '--root-dir=relative'], /--root-dir must be an absolute path/],
    ['kubelet', ['--kubeconfig=/nonexistent/kubeconfig'], /cannot read kubeconfig/],
    [
      'kubelet',
      ['--master=http://127.0.0.1:1', '--bind-address=0.0.0.0'],
      /without --tls-cert-file the kubelet serves plain HTTP with no authentication: a test mode for loopback addresses only/,
    ],
    [
      'kubelet',
      ['--master=http://127.0.0.1:1', '--tls-cert-file=/tmp/x.crt'],
      /--tls-cert-file and --tls-private-key-file go together/,
    ],
    [
      'kubelet',
      ['--master=http://127.0.0.1:1', '--tls-cert-file=/nonexistent.crt', '--tls-private-key-file=/nonexistent.key'],
      /--tls-cert-file \/nonexistent.crt: ENOENT/,
    ],
    [
      'kubelet',
      ['--master=http://127.0.0.1:1', '--authorization-mode=RBAC'],
      /--authorization-mode.*must be one of AlwaysAllow, Webhook/,
    ],
    ['kubelet', ['--master=http://127.0.0.1:1', '--volume-stats-agg-period=fast'], /--volume-stats-agg-period/],
    [
      'kubelet',
      ['--master=http://127.0.0.1:1', '--streaming-connection-idle-timeout=4'],
      /invalid duration "4" for flag --streaming-connection-idle-timeout/,
    ],
    [
      'kube-apiserver',
      ['--port=8080', '--secure-port=0', '--kubelet-client-certificate=/tmp/x.crt'],
      /--kubelet-client-certificate and --kubelet-client-key go together/,
    ],
  ];
  for (const [name, args, re] of badFlags) {
    it(`${name} ${args.join(' ') || '(no flags)'} → exit 2 with one readable line`, async () => {
      const r = await run(name, args);
      expect(r.code).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(re);
    });
  }

  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kubelet']) {
    it(`${name} --help lists its flags`, async () => {
      const r = await run(name, ['--help']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/Usage: .*\[flags\]/);
      expect(r.stdout).to.include('--v');
      if (name === 'kubelet') expect(r.stdout).to.include('--volume-stats-agg-period');
      if (name === 'kubelet')
        expect(r.stdout).to.match(/--streaming-connection-idle-timeout duration\n.*idle.*\(default 4h0m0s\)/);
      // Every duration flag's default is written as a duration (1m0s, 500ms), as the flag takes it.
      const durations = [...r.stdout.matchAll(/^ {2}--(\S+) duration\n.*\(default ([^)]*)\)$/gm)];
      expect(durations.length).to.be.above(0);
      for (const [, flag, def] of durations) expect(def, `--${flag}`).to.match(/^(\d+h)?(\d+m)?(\d+(\.\d+)?(ms|s))$/);
    });
  }

  it('kube-apiserver waits for etcd, answers 503 while it is gone, resumes watches, and exits 0 on SIGTERM', async () => {
    const etcd = new PrivateEtcd();
    await etcd.start();
    await etcd.stop();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = spawn(
      process.execPath,
      [
        bin('kube-apiserver'),
        `--etcd-servers=${etcd.endpoint}`,
        `--port=${port}`,
        '--secure-port=0',
        '--etcd-request-timeout=2s',
      ],
      { stdio: 'ignore' },
    );
    try {
      await waitFor(
        async () =>
          await fetch(`${url}/healthz`)
            .then((r) => r.ok)
            .catch(() => false),
        15_000,
        'apiserver healthz',
      );
      expect((await request(url, 'GET', '/readyz')).status).to.equal(503);
      const early = await request<{ code: number }>(url, 'GET', '/api/v1/namespaces');
      expect(early.status).to.equal(503);
      expect(early.body.code).to.equal(503);

      await etcd.start();
      await waitFor(
        async () => (await request(url, 'GET', '/readyz')).status === 200,
        30_000,
        'apiserver ready once etcd is up',
      );
      const list = await request<{ metadata: { resourceVersion: string } }>(
        url,
        'GET',
        '/api/v1/namespaces/default/persistentvolumeclaims',
      );
      const watch = await openWatch(
        url,
        `/api/v1/namespaces/default/persistentvolumeclaims?resourceVersion=${list.body.metadata.resourceVersion}`,
      );

      await etcd.stop();
      const during = await request<{ kind: string; code: number }>(
        url,
        'GET',
        '/api/v1/namespaces/default/persistentvolumeclaims',
      );
      expect([503, 504]).to.include(during.status);
      expect(during.body.kind).to.equal('Status');
      expect(api.exitCode).to.equal(null);

      await etcd.start();
      const pvc = {
        metadata: { name: 'after-outage' },
        spec: { storageClassName: 'hostPath', resources: { requests: { storage: '1Gi' } } },
      };
      await waitFor(
        async () =>
          (await request(url, 'POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc)).status === 201,
        30_000,
        'create after etcd returns',
      );
      await watch.waitFor(1, 30_000);
      expect(watch.events[0]?.object.metadata?.name).to.equal('after-outage');

      api.kill('SIGTERM');
      expect(await exited(api)).to.equal(0);
      await watch.waitEnd(5000);
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
      await etcd.destroy();
    }
  });
});
