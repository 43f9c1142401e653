/**
 * kubectl port-forward end to end: kubectl 1.32 opens a WebSocket with the subprotocol
 * SPDY/3.1+portforward.k8s.io and runs SPDY inside it; the apiserver proxies it to the kubelet,
 * which connects into the pod's network namespace, where busybox nc listens.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { create, podObject, useKubeletCluster, waitReady } from '../kubelet/support';

/** Sends `line` to 127.0.0.1:port and resolves with everything read until the far side closes. */
function request(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(line));
    let out = '';
    s.on('data', (b: Buffer) => {
      out += b.toString();
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('e2e/streaming: kubectl port-forward', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  it('forwards a local port to a port nc listens on in the pod; each connection gets its answer', async () => {
    await create(
      c,
      podObject('pf-pod', {
        script: "nc -ll -p 8081 -e cat /bin/busybox & nc -ll -p 8080 -e sh -c 'read line; echo got-$line'",
      }),
    );
    await waitReady(c, 'pf-pod');
    await waitFor(
      async () =>
        (
          await c.kubectl([
            'exec',
            'pf-pod',
            '--',
            'sh',
            '-c',
            'netstat -ltn | grep -q :8080 && netstat -ltn | grep -q :8081',
          ])
        ).code === 0,
      20_000,
      'both nc to listen (8081 starts in the background)',
    );
    const child = spawn('kubectl', [`--kubeconfig=${c.kubeconfig}`, 'port-forward', 'pod/pf-pod', ':8080', ':8081']);
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    try {
      await waitFor(
        () =>
          /Forwarding from 127\.0\.0\.1:\d+ -> 8080/.test(out) && /Forwarding from 127\.0\.0\.1:\d+ -> 8081/.test(out),
        20_000,
        'port-forward to listen on both ports',
      ).catch((e: Error) => {
        throw new Error(`${e.message}; kubectl said: ${err.slice(-2500)}`);
      });
      const local = Number(/127\.0\.0\.1:(\d+) -> 8080/.exec(out)?.[1]);
      expect(await request(local, 'first\n')).to.equal('got-first\n');
      expect(await request(local, 'second\n')).to.equal('got-second\n');
      // More connections, one after another, than the tunnel holds open streams (2 × (64 + 64)):
      // kubectl closes both streams of each, and the kubelet lets go of them.
      for (let i = 0; i < 130; i++) expect(await request(local, `n${i}\n`)).to.equal(`got-n${i}\n`);
      // Megabytes through SPDY's flow control: the pod's busybox binary, byte for byte.
      const big = Number(/127\.0\.0\.1:(\d+) -> 8081/.exec(out)?.[1]);
      const want = (await c.ok(['exec', 'pf-pod', '--', 'sha256sum', '/bin/busybox'])).split(' ')[0];
      const got = await new Promise<{ bytes: number; sha: string }>((resolve, reject) => {
        const hash = createHash('sha256');
        let bytes = 0;
        const s = connect(big, '127.0.0.1');
        s.on('data', (b: Buffer) => {
          bytes += b.length;
          hash.update(b);
        });
        s.on('end', () => resolve({ bytes, sha: hash.digest('hex') }));
        s.on('error', reject);
      });
      expect(got.bytes).to.be.greaterThan(1 << 20);
      expect(got.sha).to.equal(want);
      expect(err, 'kubectl reports no error').to.not.match(/error|unable/i);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('bad input: port-forward into a finished pod is 400', async () => {
    await create(c, podObject('pf-done', { script: 'exit 0', restartPolicy: 'Never' }));
    await c.waitJsonpath(['get', 'pod', 'pf-done'], '{.status.phase}', 'Succeeded');
    const r = await c.request('POST', '/api/v1/namespaces/default/pods/pf-done/portforward?ports=8080');
    expect(r.status).to.equal(400);
    expect(JSON.stringify(r.body)).to.contain('unable to forward port because pod is not running');
  });
});
