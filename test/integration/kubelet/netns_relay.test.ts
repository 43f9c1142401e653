/**
 * The port-forward relay (nsenter + a Node relay) against a real TCP server, entering this
 * process's own network namespace: every byte the server sends before closing arrives, in
 * order (the relay's end used to race its last output).
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { connectInNetns } from '../../../pkg/kubelet/runtime/docker/portforward';

describe('kubelet port-forward relay (nsenter into a real network namespace)', function () {
  this.timeout(60_000);
  const payload = randomBytes(8 << 20);
  const want = createHash('sha256').update(payload).digest('hex');
  let server: Server;
  let port = 0;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    server = createServer((s) => s.end(payload));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
  });
  after(() => server?.close());

  it('delivers all 8 MiB a server sends before closing, byte for byte, on every one of 8 connections', async () => {
    for (let i = 0; i < 8; i++) {
      const got = await new Promise<{ bytes: number; sha: string }>((resolve, reject) => {
        const hash = createHash('sha256');
        let bytes = 0;
        const conn = connectInNetns(process.pid, port);
        conn.on('data', (b: Buffer) => {
          bytes += b.length;
          hash.update(b);
        });
        conn.on('end', () => resolve({ bytes, sha: hash.digest('hex') }));
        conn.on('error', reject);
        conn.end();
      });
      expect(got.bytes, `connection ${i}`).to.equal(payload.length);
      expect(got.sha, `connection ${i}`).to.equal(want);
    }
  });
});
