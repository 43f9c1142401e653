import { expect } from 'chai';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { FakeRuntime } from '../../../../pkg/kubelet/runtime/fake/fake_runtime';
import { parsePorts, portPrefix } from '../../../../pkg/kubelet/streaming/portforward';
import { waitFor } from '../../../helpers/wait';
import { startStreamingKubelet } from './kubelet_fixture';

describe('kubelet/streaming: port-forward (v4.channel.k8s.io)', () => {
  let rt: FakeRuntime;
  let server: { port: number; stop(): Promise<void> };

  beforeEach(async () => {
    rt = new FakeRuntime({ images: ['busybox'] });
    ({ server } = await startStreamingKubelet(rt, new Map()));
  });
  afterEach(() => server.stop());

  it('parses ports and frames the channel openers', () => {
    expect(parsePorts(['8080,9090', '53'])).to.deep.equal([8080, 9090, 53]);
    expect(() => parsePorts([])).to.throw(/at least one port/);
    expect(() => parsePorts(['0'])).to.throw(/invalid port/);
    expect(() => parsePorts(['80x'])).to.throw(/invalid port/);
    expect(portPrefix(3, 8080)).to.deep.equal(Buffer.from([3, 0x90, 0x1f]));
    for (const bad of ['-1', '65536', 'abc', '0x50', '1e3', ' '])
      expect(() => parsePorts([`80,${bad}`]), bad).to.throw(/invalid port|at least one/);
    // Each forwarded connection is a relay process on the node: a request names a bounded number.
    expect(parsePorts([Array.from({ length: 64 }, (_, i) => 1000 + i).join(',')])).to.have.length(64);
    expect(() => parsePorts([Array.from({ length: 65 }, (_, i) => 1000 + i).join(',')])).to.throw(
      'at most 64 ports may be forwarded in one request (65 given)',
    );
  });

  it('opens each channel with its port, relays data both ways, reports a refused port, closes when done', async () => {
    const conns: Duplex[] = [];
    rt.onPortForward = (port, conn) => {
      if (port !== 8080) return false;
      conns.push(conn);
      conn.on('data', (b: Buffer) => {
        conn.end(`echo:${b.toString()}`);
      });
      return true;
    };
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/portforward/default/web?ports=8080,9090`, [
      'v4.channel.k8s.io',
    ]);
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await new Promise((resolve) => ws.once('open', resolve));
    await waitFor(() => frames.length >= 4, 2000, 'the channel openers');
    expect(frames.slice(0, 4)).to.deep.equal([
      portPrefix(0, 8080),
      portPrefix(1, 8080),
      portPrefix(2, 9090),
      portPrefix(3, 9090),
    ]);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    expect(await closed).to.equal(1000);
    const data = frames
      .slice(2)
      .filter((f) => f[0] === 0)
      .map((f) => f.subarray(1).toString())
      .join('');
    expect(data).to.equal('echo:ping');
    expect(conns).to.have.length(1);
    const refused = frames
      .slice(4)
      .filter((f) => f[0] === 3)
      .map((f) => f.subarray(1).toString())
      .join('');
    expect(refused).to.equal('error forwarding port 9090 to pod web: connect ECONNREFUSED 127.0.0.1:9090');
  });
  it('closes on a frame over 32 MiB with 1009', async () => {
    rt.onPortForward = () => true;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/portforward/default/web?ports=8080`, ['v4.channel.k8s.io']);
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(32 << 20)]));
    expect(await closed).to.equal(1009);
  });
});
