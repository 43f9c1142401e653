import { expect } from 'chai';
import { once } from 'node:events';
import { Duplex, PassThrough, Writable } from 'node:stream';
import type { SpdyStream } from 'spdy-transport';
import {
  maxBufferedStreamBytes,
  maxHeaderBlockBytes,
  StreamBackpressure,
} from '../../../../pkg/kubelet/streaming/spdy_limits';
import { waitFor } from '../../../helpers/wait';
import { open, openTunnel, pair, type Tunnel } from './spdy_fixture';

/** A pod connection that accepts bytes only once `release` is called (until then it reads nothing). */
function stalledPod(): { pod: () => Duplex; received: () => number; release: () => void } {
  let received = 0;
  let released = false;
  const held: (() => void)[] = [];
  const pod = () =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (released) done();
        else held.push(() => done());
      },
    });
  return {
    pod,
    received: () => received,
    release: () => {
      released = true;
      for (const go of held.splice(0)) go();
    },
  };
}

/** Lets the client's stream ignore the kubelet's receive window, as client-go's spdystream does. */
function ignoreWindow(stream: SpdyStream): void {
  const send = (
    stream as unknown as { _spdyState: { window: { send: { current: number; max: number; limit: number } } } }
  )._spdyState.window.send;
  send.current = Number.MAX_SAFE_INTEGER / 2;
  send.max = Number.MAX_SAFE_INTEGER / 2;
  send.limit = Number.MAX_SAFE_INTEGER;
}

describe('kubelet/streaming: the SPDY tunnel bounds header blocks and unread data', () => {
  let t: Tunnel | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('closes the tunnel when a header block inflates past maxHeaderBlockBytes (a zlib bomb), and connects nowhere', async () => {
    t = await openTunnel();
    const closed = once(t.ws, 'close');
    // 4 MiB of one letter: a few KiB on the wire.
    await open(t, { streamtype: 'data', port: '80', requestid: '1', junk: 'a'.repeat(16 * maxHeaderBlockBytes) });
    await closed;
    expect(t.conns).to.have.length(0);
  });

  it('closes the tunnel when its SPDY session fails (frames that do not parse), so a dead session holds nothing', async () => {
    t = await openTunnel();
    const closed = once(t.ws, 'close');
    // A control frame of SPDY version 9.
    t.ws.send(Buffer.from([0x80, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    await closed;
    expect(t.conns).to.have.length(0);
  });

  it('stops reading the WebSocket while a stream holds maxBufferedStreamBytes unread, and loses nothing', async function () {
    this.timeout(20_000);
    const stalled = stalledPod();
    t = await openTunnel({ pod: stalled.pod });
    const server = await t.server;
    let arrived = 0;
    server.on('message', (m: Buffer) => {
      arrived += m.length;
    });
    const { data } = await pair(t, '1');
    ignoreWindow(data.stream);
    const total = 32 * maxBufferedStreamBytes;
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (let sent = 0; sent < total; sent += chunk.length) data.stream.write(chunk);
    await waitFor(() => server.isPaused, 10_000, 'the kubelet to stop reading the WebSocket');
    expect(arrived, 'bytes the kubelet read').to.be.below(4 * maxBufferedStreamBytes);
    stalled.release();
    await waitFor(() => stalled.received() >= total, 15_000, 'every byte to reach the pod');
    expect(stalled.received()).to.equal(total);
  });

  it('holds the parser while more than the limit waits in the send queue (PING answers to a client that reads nothing), and lets go as it drains', async () => {
    const parser = {
      parseKVs: () => undefined,
      _transform: (_chunk: unknown, _enc: string, done: (err?: Error | null) => void) => done(),
    };
    const framer = new PassThrough();
    const socket = new Writable({ write: (_chunk, _enc, done) => done() });
    new StreamBackpressure(parser, 1024, { framer, socket });
    framer.pause();
    framer.write(Buffer.alloc(4096)); // answers queued in the framer, more than the limit
    let done = 0;
    parser._transform('frame', 'buffer', () => {
      done += 1;
    });
    expect(done, 'held while 4 KiB wait to be sent').to.equal(0);
    framer.resume(); // the socket takes them
    await waitFor(() => done === 1, 5_000, 'the parser to be let go');
    parser._transform('frame', 'buffer', () => {
      done += 1;
    });
    expect(done, 'an empty queue holds nothing').to.equal(2);
  });
});
