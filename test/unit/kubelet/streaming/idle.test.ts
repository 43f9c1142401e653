import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { Pod } from '../../../../pkg/api/core/v1';
import { FakeRuntime } from '../../../../pkg/kubelet/runtime/fake/fake_runtime';
import { defaultStreamingIdleTimeoutMs } from '../../../../pkg/kubelet/streaming/idle';
import { SpdyTunnelProtocol } from '../../../../pkg/kubelet/streaming/spdy_tunnel';
import { waitFor } from '../../../helpers/wait';
import { startStreamingKubelet } from './kubelet_fixture';

/** Long enough that a loaded machine's stalls do not pass for idleness in the traffic case. */
const idleMs = 500;

describe('kubelet/streaming: --streaming-connection-idle-timeout', () => {
  let rt: FakeRuntime;
  let server: { port: number; stop(): Promise<void> };

  beforeEach(async () => {
    rt = new FakeRuntime({ images: ['busybox'] });
    ({ server } = await startStreamingKubelet(rt, new Map<string, Pod>(), { streamingIdleTimeoutMs: idleMs }));
  });
  afterEach(() => server.stop());

  /** Opens a WebSocket and resolves with how long it stayed open once the server closed it. */
  async function openFor(path: string, protocol: string): Promise<number> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, [protocol]);
    ws.on('error', () => undefined);
    await once(ws, 'open');
    const opened = Date.now();
    await once(ws, 'close');
    return Date.now() - opened;
  }

  it('defaults to upstream 4h0m0s', () => {
    expect(defaultStreamingIdleTimeoutMs).to.equal(4 * 60 * 60 * 1000);
  });

  it('closes an idle exec session and kills its process', async () => {
    const lasted = await openFor('/exec/default/web/app?command=sh&stdin=1&stdout=1', 'v5.channel.k8s.io');
    expect(lasted).to.be.at.least(idleMs - 10);
    await waitFor(() => rt.sessions[0]?.killed === true, 2000, 'the exec to be killed');
  });

  it('closes an idle v4 port-forward', async () => {
    rt.onPortForward = () => true;
    const lasted = await openFor('/portforward/default/web?ports=8080', 'v4.channel.k8s.io');
    expect(lasted).to.be.at.least(idleMs - 10);
  });

  it('keeps a port-forward open while bytes move, however long that is', async () => {
    rt.onPortForward = (_port, conn) => {
      conn.on('data', (b: Buffer) => conn.write(b));
      return true;
    };
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/portforward/default/web?ports=8080`, ['v4.channel.k8s.io']);
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });
    let echoed = 0;
    ws.on('message', (m: Buffer) => {
      if (m[0] === 0 && m.length === 2) echoed += 1;
    });
    await once(ws, 'open');
    // One byte every idleMs/4 for 3 idle timeouts: each echo is the condition for the next.
    const opened = Date.now();
    while (Date.now() - opened < 3 * idleMs) {
      const before = echoed;
      ws.send(Buffer.from([0, 0x61]));
      await waitFor(() => echoed > before || closed, 2000, 'the echo');
      expect(closed, `closed after ${Date.now() - opened} ms of traffic`).to.equal(false);
      await new Promise((resolve) => setTimeout(resolve, idleMs / 4));
    }
    ws.close();
  });

  it("closes an idle SPDY tunnel (kubectl's)", async () => {
    // ws's client refuses the subprotocol's '/': the handshake is written by hand.
    const req = http.request({
      host: '127.0.0.1',
      port: server.port,
      path: '/portforward/default/web',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': SpdyTunnelProtocol,
      },
    });
    req.end();
    const [res, socket] = (await once(req, 'upgrade')) as [http.IncomingMessage, Socket];
    const opened = Date.now();
    expect(res.headers['sec-websocket-protocol']).to.equal(SpdyTunnelProtocol);
    socket.resume();
    await once(socket, 'close');
    expect(Date.now() - opened).to.be.at.least(idleMs - 10);
  });
});
