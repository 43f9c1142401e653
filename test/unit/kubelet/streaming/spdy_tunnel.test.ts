import { expect } from 'chai';
import { once } from 'node:events';
import { waitFor } from '../../../helpers/wait';
import { maxForwardedPorts } from '../../../../pkg/kubelet/streaming/portforward';
import {
  maxPendingPairs,
  maxTunnelConnections,
  parsePortHeader,
  streamCreationTimeoutMs,
} from '../../../../pkg/kubelet/streaming/spdy_tunnel';
import { echo, type Outcome, open, openTunnel, pair, type Tunnel } from './spdy_fixture';

describe('kubelet/streaming: the SPDY port-forward tunnel (serveSpdyTunnel)', () => {
  let t: Tunnel | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('forwards a pair both ways and ends its error stream empty when the connection closes', async () => {
    t = await openTunnel();
    const { error, data } = await pair(t, '0', '8080');
    expect(await echo(data.stream, 'hello')).to.equal('hello');
    expect(t.conns.map((c) => c.port)).to.deep.equal([8080]);
    data.stream.end();
    expect(await data.outcome).to.deep.equal({ data: 'hello', ended: true });
    expect(await error.outcome).to.deep.equal({ data: '', ended: true });
  });

  it('pairs streams without a requestid by stream id, as upstream does for old clients', async () => {
    t = await openTunnel();
    const error = await open(t, { streamtype: 'error', port: '80' });
    const data = await open(t, { streamtype: 'data', port: '80' });
    expect(await echo(data.stream, 'old')).to.equal('old');
    data.stream.end();
    expect((await error.outcome).data).to.equal('');
  });

  it('reads the port header as strconv.ParseUint(s, 10, 16) and names a bad one in upstream words', () => {
    expect(parsePortHeader('80')).to.deep.equal({ ok: true, port: 80 });
    expect(parsePortHeader('65535')).to.deep.equal({ ok: true, port: 65535 });
    const rows: [string, string][] = [
      ['0x50', 'unable to parse "0x50" as a port: strconv.ParseUint: parsing "0x50": invalid syntax'],
      ['1e3', 'unable to parse "1e3" as a port: strconv.ParseUint: parsing "1e3": invalid syntax'],
      [' 80', 'unable to parse " 80" as a port: strconv.ParseUint: parsing " 80": invalid syntax'],
      ['+80', 'unable to parse "+80" as a port: strconv.ParseUint: parsing "+80": invalid syntax'],
      ['65536', 'unable to parse "65536" as a port: strconv.ParseUint: parsing "65536": value out of range'],
      ['0', 'port "0" must be > 0'],
      ['', '"port" header is required'],
    ];
    for (const [value, message] of rows) expect(parsePortHeader(value), value).to.deep.equal({ ok: false, message });
  });

  it('answers a bad port header on the error stream and connects nowhere', async () => {
    t = await openTunnel();
    const cases: [string | undefined, string][] = [
      ['0x50', 'unable to parse "0x50" as a port: strconv.ParseUint: parsing "0x50": invalid syntax'],
      ['1e3', 'unable to parse "1e3" as a port: strconv.ParseUint: parsing "1e3": invalid syntax'],
      [' 80', 'unable to parse " 80" as a port: strconv.ParseUint: parsing " 80": invalid syntax'],
      [undefined, '"port" header is required'],
    ];
    const results: Promise<[Outcome, Outcome]>[] = [];
    for (const [i, [port]] of cases.entries()) {
      const error = await open(t, { streamtype: 'error', port, requestid: `bad${i}` });
      const data = await open(t, { streamtype: 'data', port, requestid: `bad${i}` });
      results.push(Promise.all([error.outcome, data.outcome]));
    }
    for (const [i, r] of (await Promise.all(results)).entries()) {
      expect(r[0], String(cases[i]?.[0])).to.deep.equal({ data: cases[i]?.[1], ended: true });
      expect(r[1].ended).to.equal(true);
    }
    expect(t.conns).to.deep.equal([]);
  });

  it('expires a half pair after streamCreationTimeout with an error, and frees its place', async () => {
    expect(streamCreationTimeoutMs).to.equal(30_000);
    t = await openTunnel({ streamCreationTimeoutMs: 100, maxPendingPairs: 1 });
    const lone = await open(t, { streamtype: 'error', port: '80', requestid: 'lone' });
    expect(await lone.outcome).to.deep.equal({ data: '(request=lone) timed out waiting for streams', ended: true });
    const loneData = await open(t, { streamtype: 'data', port: '80', requestid: 'lone-data' });
    expect((await loneData.outcome).reset).to.match(/REFUSED_STREAM/);
    // The one pending place is free again: a whole pair forwards.
    const { data } = await pair(t, 'next');
    expect(await echo(data.stream, 'after')).to.equal('after');
  });

  it('refuses a new half pair beyond maxPendingPairs', async () => {
    expect(maxPendingPairs).to.equal(maxForwardedPorts);
    t = await openTunnel({ maxPendingPairs: 2 });
    await open(t, { streamtype: 'error', port: '80', requestid: 'a' });
    await open(t, { streamtype: 'data', port: '80', requestid: 'b' });
    const third = await open(t, { streamtype: 'error', port: '80', requestid: 'c' });
    expect(await third.outcome).to.deep.equal({
      data: 'too many pending port-forward streams in this connection (at most 2)',
      ended: true,
    });
    const fourth = await open(t, { streamtype: 'data', port: '80', requestid: 'd' });
    expect((await fourth.outcome).reset).to.match(/REFUSED_STREAM/);
    // A stream completing a waiting pair is no new pair: it is taken.
    const data = await open(t, { streamtype: 'data', port: '80', requestid: 'a' });
    expect(await echo(data.stream, 'a')).to.equal('a');
  });

  it('refuses a second stream of a type its request already has, pending or forwarding', async () => {
    t = await openTunnel();
    const error = await open(t, { streamtype: 'error', port: '80', requestid: 'r' });
    const dupError = await open(t, { streamtype: 'error', port: '80', requestid: 'r' });
    expect(await dupError.outcome).to.deep.equal({
      data: 'error processing stream for request r: error stream already assigned',
      ended: true,
    });
    const data = await open(t, { streamtype: 'data', port: '80', requestid: 'r' });
    expect(await echo(data.stream, 'one')).to.equal('one');
    const dupData = await open(t, { streamtype: 'data', port: '80', requestid: 'r' });
    expect((await dupData.outcome).reset).to.match(/REFUSED_STREAM/);
    // The first pair is untouched by either duplicate.
    expect(await echo(data.stream, 'two')).to.equal('two');
    expect(t.conns).to.have.length(1);
    data.stream.end();
    expect(await error.outcome).to.deep.equal({ data: '', ended: true });
  });

  it('holds at most 2 × (pending + forwarded) open streams: beyond, a new one is reset until one closes', async () => {
    t = await openTunnel({ maxPendingPairs: 1, maxConnections: 1 });
    const first = await open(t, { streamtype: 'error', port: '80', requestid: 'a' });
    // Refused duplicates the client never closes still count.
    const dups = [];
    for (let i = 0; i < 3; i++) dups.push(await open(t, { streamtype: 'error', port: '80', requestid: 'a' }));
    for (const d of dups) expect((await d.outcome).data).to.match(/already assigned/);
    const over = await open(t, { streamtype: 'data', port: '80', requestid: 'a' });
    expect((await over.outcome).reset).to.match(/REFUSED_STREAM/);
    const closed = once(dups[0]?.stream ?? first.stream, 'close');
    dups[0]?.stream.end();
    await closed;
    const data = await open(t, { streamtype: 'data', port: '80', requestid: 'a' });
    expect(await echo(data.stream, 'room')).to.equal('room');
  });

  it('frees a finished pair whichever side ended it: one session forwards more connections than its stream cap', async () => {
    t = await openTunnel({ maxPendingPairs: 1, maxConnections: 1 });
    for (let i = 0; i < 6; i++) {
      const { error, data } = await pair(t, `c${i}`);
      expect(await echo(data.stream, 'hi'), `connection ${i}`).to.equal('hi');
      const closed = once(data.stream, 'close');
      if (i % 2 === 0) {
        // The pod ends first; the client still sends something before it ends too.
        t.conns[i]?.conn.end();
        expect((await data.outcome).ended).to.equal(true);
        data.stream.write('late');
      }
      data.stream.end();
      expect(await error.outcome).to.deep.equal({ data: '', ended: true });
      await closed;
    }
    expect(t.conns).to.have.length(6);
  });

  it('refuses a stream of an unknown type', async () => {
    t = await openTunnel();
    const odd = await open(t, { streamtype: 'control', port: '80', requestid: 'x' });
    expect((await odd.outcome).reset).to.match(/REFUSED_STREAM/);
  });

  it('forwards at most maxConnections at once: beyond, the error stream says so and the data stream ends', async () => {
    expect(maxTunnelConnections).to.equal(64);
    t = await openTunnel({ maxConnections: 2 });
    const first = await pair(t, '1');
    const second = await pair(t, '2');
    expect(await echo(first.data.stream, 'x')).to.equal('x');
    expect(await echo(second.data.stream, 'y')).to.equal('y');
    const third = await pair(t, '3', '8080');
    expect(await third.error.outcome).to.deep.equal({
      data: 'error forwarding port 8080 to pod web: too many concurrent connections in this port-forward (at most 2)',
      ended: true,
    });
    expect((await third.data.outcome).ended).to.equal(true);
    expect(t.conns).to.have.length(2);
    // A connection that ends gives its place back.
    first.data.stream.end();
    await first.error.outcome;
    const fourth = await pair(t, '4');
    expect(await echo(fourth.data.stream, 'z')).to.equal('z');
  });

  it('a data stream reset while its connection is being opened ends that connection', async () => {
    let open_ = (): void => undefined;
    t = await openTunnel({ gate: new Promise<void>((resolve) => (open_ = resolve)), maxConnections: 1 });
    const first = await pair(t, '1');
    first.data.stream.abort('CANCEL');
    // The PING's answer comes after the kubelet has read the RST before it.
    await new Promise<void>((resolve) => t?.client.ping(() => resolve()));
    open_();
    await waitFor(() => t?.conns[0]?.conn.destroyed === true, 2000, 'the connection to be destroyed');
    // Its place is free again.
    const next = await pair(t, '2');
    expect(await echo(next.data.stream, 'ok')).to.equal('ok');
  });

  it('closing the WebSocket ends every forwarded connection and resolves', async () => {
    t = await openTunnel();
    const { data } = await pair(t, '1');
    expect(await echo(data.stream, 'x')).to.equal('x');
    const conn = t.conns[0]?.conn;
    const closed = conn ? once(conn, 'close') : Promise.reject(new Error('no connection'));
    await t.close();
    t = undefined;
    await closed;
    expect(conn?.destroyed).to.equal(true);
  });
});
