import { expect } from 'chai';
import net from 'node:net';
import WebSocket from 'ws';
import type { Pod } from '../../../../pkg/api/core/v1';
import { FakeRuntime } from '../../../../pkg/kubelet/runtime/fake/fake_runtime';
import type { FakeSession } from '../../../../pkg/kubelet/runtime/fake/fake_session';
import { waitFor } from '../../../helpers/wait';
import { containerLabels, containerName } from '../../../../pkg/kubelet/runtime/interface';
import { pod } from '../fixtures';
import { startStreamingKubelet } from './kubelet_fixture';

/** A client of the kubelet's stream: every message received, split by channel. */
interface Client {
  ws: WebSocket;
  frames: { channel: number; data: string }[];
  closed: Promise<number>;
}

describe('kubelet/streaming: exec and attach sessions over the fake runtime', () => {
  let rt: FakeRuntime;
  let server: { port: number; stop(): Promise<void> };
  let containerId: string;
  const pods = new Map<string, Pod>();

  beforeEach(async () => {
    rt = new FakeRuntime({ images: ['busybox'] });
    ({ server, containerId } = await startStreamingKubelet(rt, pods));
  });
  afterEach(() => server.stop());

  function connect(path: string, protocols: string[]): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, protocols);
    const frames: Client['frames'] = [];
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) frames.push({ channel: data[0] ?? -1, data: data.subarray(1).toString() });
      else
        frames.push({
          channel: data.toString().charCodeAt(0) - 48,
          data: Buffer.from(data.toString().slice(1), 'base64').toString(),
        });
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, frames, closed }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  const onChannel = (c: Client, ch: number): string =>
    c.frames
      .filter((f) => f.channel === ch)
      .map((f) => f.data)
      .join('');

  it('v5: output on 1/2, stdin on 0, resize on 4, close(255) ends stdin, exit code on 3', async () => {
    const c = await connect('/exec/default/web/app?command=sh&stdin=true&stdout=true&stderr=true&tty=false', [
      'v5.channel.k8s.io',
    ]);
    expect(c.ws.protocol).to.equal('v5.channel.k8s.io');
    await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
    const s = rt.sessions[0] as FakeSession;
    expect(rt.callsOf('exec')[0]).to.deep.equal([containerId, { command: ['sh'], stdin: true, tty: false }]);
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('input')]));
    c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]));
    c.ws.send(Buffer.from([255, 0]));
    await waitFor(() => s.stdinClosed, 2000, 'stdin to close');
    expect(s.received).to.equal('input');
    expect(s.resizes).to.deep.equal([{ width: 100, height: 30 }]);
    s.stdout.write('out');
    s.stderr?.write('err');
    s.finish(2);
    expect(await c.closed).to.equal(1000);
    expect(onChannel(c, 1)).to.equal('out');
    expect(onChannel(c, 2)).to.equal('err');
    const status = JSON.parse(onChannel(c, 3));
    expect(status).to.deep.include({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(status.details.causes).to.deep.equal([{ reason: 'ExitCode', message: '2' }]);
    const last = c.frames[c.frames.length - 1];
    expect(last?.channel, 'the status comes after all output').to.equal(3);
  });

  it('v4 success status; base64 text frames', async () => {
    rt.onSession = (s) => {
      s.stdout.write('hello');
      s.finish(0);
    };
    const v4 = await connect('/exec/default/web/app?command=echo&stdout=true', ['v4.channel.k8s.io']);
    await v4.closed;
    expect(onChannel(v4, 1)).to.equal('hello');
    expect(JSON.parse(onChannel(v4, 3))).to.deep.equal({ metadata: {}, status: 'Success' });
    const b64 = await connect('/exec/default/web/app?command=echo&stdout=true', ['base64.channel.k8s.io']);
    await b64.closed;
    expect(onChannel(b64, 1)).to.equal('hello');
  });

  it('a client that closes mid-stream kills the session', async () => {
    const c = await connect('/exec/default/web/app?command=sleep&stdout=true', ['v5.channel.k8s.io']);
    await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
    c.ws.terminate();
    await waitFor(() => rt.sessions[0]?.killed === true, 2000, 'the kill');
  });

  it("a frame over 32 MiB (x/net/websocket's limit) closes the stream with 1009 and kills the session", async () => {
    const c = await connect('/exec/default/web/app?command=cat&stdin=true&stdout=true', ['v5.channel.k8s.io']);
    await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(32 << 20)]));
    expect(await c.closed).to.equal(1009);
    await waitFor(() => rt.sessions[0]?.killed === true, 5000, 'the kill');
  });

  it('survives malformed frames (bad UTF-8 text, a reserved opcode): the stream closes, the kubelet stays up', async () => {
    /** Upgrades a raw socket, writes `frame`, resolves with the close code the server sends (or -1). */
    const raw = (path: string, protocol: string, frame: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const sock = net.connect(server.port, '127.0.0.1');
        let buf = Buffer.alloc(0);
        let upgraded = false;
        sock.on('error', reject);
        sock.on('close', () => resolve(-1));
        sock.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          if (!upgraded) {
            const end = buf.indexOf('\r\n\r\n');
            if (end < 0) return;
            if (!buf.subarray(0, 12).toString().includes('101')) return reject(new Error(buf.toString()));
            upgraded = true;
            buf = buf.subarray(end + 4);
            sock.write(frame);
          }
          const close = buf.indexOf(0x88);
          if (close >= 0 && buf.length >= close + 4) resolve(buf.readUInt16BE(close + 2));
        });
        sock.write(
          `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
        );
      });
    // A masked text frame whose payload is not UTF-8, and a frame with reserved opcode 0x3.
    const badText = Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x31, 0xff]);
    const reserved = Buffer.from([0x83, 0x80, 0, 0, 0, 0]);
    const exec = '/exec/default/web/app?command=cat&stdin=true&stdout=true';
    rt.onPortForward = () => true;
    expect(await raw(exec, 'base64.channel.k8s.io', badText)).to.equal(1007);
    expect(await raw(exec, 'v5.channel.k8s.io', reserved)).to.equal(1002);
    expect(await raw('/portforward/default/web?ports=80', 'v4.channel.k8s.io', reserved)).to.equal(1002);
    const after = await connect('/exec/default/web/app?command=echo&stdout=true', ['v4.channel.k8s.io']);
    expect(after.ws.protocol).to.equal('v4.channel.k8s.io');
  });

  it('refuses before upgrading: unknown container, no command, no streams, no running instance, no subprotocol', async () => {
    const refused = async (path: string, protocols = ['v5.channel.k8s.io']): Promise<string> => {
      try {
        await connect(path, protocols);
      } catch (err) {
        return (err as Error).message;
      }
      return 'upgraded';
    };
    expect(await refused('/exec/default/web/nope?command=ls&stdout=true')).to.equal('HTTP 400');
    expect(await refused('/exec/default/web/app?stdout=true')).to.equal('HTTP 400');
    expect(await refused('/exec/default/web/app?command=ls')).to.equal('HTTP 400');
    expect(await refused('/exec/default/gone/app?command=ls&stdout=true')).to.equal('HTTP 404');
    expect(await refused('/exec/default/web/app?command=ls&stdout=true', ['v3.channel.k8s.io'])).to.equal('HTTP 400');
    const plain = await fetch(`http://127.0.0.1:${server.port}/exec/default/web/nope?command=ls&stdout=true`, {
      method: 'POST',
    });
    expect(((await plain.json()) as { message: string }).message).to.equal('container nope is not valid for pod web');
    rt.exitContainer(containerId, 0);
    expect(await refused('/attach/default/web/app?stdout=true')).to.equal('HTTP 400');
    expect(rt.sessions).to.have.length(0);
  });

  it('attach: the main process output until it ends, then Success', async () => {
    const c = await connect('/attach/default/web/app?stdout=true&stderr=true', ['v4.channel.k8s.io']);
    await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
    const s = rt.sessions[0] as FakeSession;
    s.stdout.write('line 1\n');
    s.finish();
    await c.closed;
    expect(onChannel(c, 1)).to.equal('line 1\n');
    expect(JSON.parse(onChannel(c, 3))).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(rt.callsOf('attach')).to.have.length(1);
  });

  describe('attach to a container created with stdin / tty', () => {
    /** Adds pod default/<name> with one running container `main` created with `flags`. */
    async function interactivePod(name: string, flags: { stdin?: boolean; stdinOnce?: boolean; tty?: boolean }) {
      const p = pod(name, { containers: [{ name: 'main', image: 'busybox', ...flags }] });
      pods.set(`default/${name}`, p);
      const ident = {
        podUid: p.metadata.uid,
        podNamespace: 'default',
        podName: name,
        containerName: 'main',
        attempt: 0,
      };
      const id = await rt.createContainer({
        name: containerName(ident),
        image: 'busybox',
        labels: containerLabels(ident),
        binds: [],
        ...flags,
      });
      await rt.startContainer(id);
      return id;
    }

    it('stdin (channel 0) reaches the main process, close (255) ends it; output on 1/2', async () => {
      const id = await interactivePod('cat', { stdin: true, stdinOnce: true });
      const c = await connect('/attach/default/cat/main?stdin=true&stdout=true&stderr=true', ['v5.channel.k8s.io']);
      await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
      const s = rt.sessions[0] as FakeSession;
      expect(rt.callsOf('attach')[0]).to.deep.equal([id, { stdin: true, tty: false }]);
      c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello\n')]));
      c.ws.send(Buffer.from([255, 0]));
      await waitFor(() => s.stdinClosed, 2000, 'stdin to close');
      expect(s.received).to.equal('hello\n');
      s.stdout.write('got hello\n');
      s.stderr?.write('warn\n');
      s.finish();
      await c.closed;
      expect(onChannel(c, 1)).to.equal('got hello\n');
      expect(onChannel(c, 2)).to.equal('warn\n');
      expect(JSON.parse(onChannel(c, 3))).to.deep.equal({ metadata: {}, status: 'Success' });
    });

    it("a TTY container: the container's TTY wins over the request, no stderr, resizes applied", async () => {
      const id = await interactivePod('shell', { stdin: true, tty: true });
      // kubectl attach without -t still gets the TTY (kubectl forces it too).
      const c = await connect('/attach/default/shell/main?stdin=true&stdout=true&stderr=true', ['v5.channel.k8s.io']);
      await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
      const s = rt.sessions[0] as FakeSession;
      expect(rt.callsOf('attach')[0]).to.deep.equal([id, { stdin: true, tty: true }]);
      expect(s.stderr).to.equal(undefined);
      c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]));
      c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ls\r')]));
      await waitFor(() => s.received === 'ls\r' && s.resizes.length === 1, 2000, 'stdin and the resize');
      expect(s.resizes).to.deep.equal([{ width: 120, height: 40 }]);
      s.stdout.write('$ ');
      s.finish();
      await c.closed;
      expect(onChannel(c, 1)).to.equal('$ ');
      expect(onChannel(c, 2)).to.equal('');
    });

    it("resizes reach the runtime one at a time, in order, even when the first one is slow (kubectl's size+1, size)", async () => {
      await interactivePod('resize', { stdin: true, tty: true });
      rt.onSession = (session) => {
        // A runtime whose first resize call takes longer than the second.
        let calls = 0;
        session.resize = (size) =>
          new Promise((resolve) =>
            setTimeout(
              () => {
                session.resizes.push(size);
                resolve();
              },
              calls++ === 0 ? 100 : 0,
            ),
          );
      };
      const c = await connect('/attach/default/resize/main?stdin=true&stdout=true&tty=true', ['v5.channel.k8s.io']);
      await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
      const s = rt.sessions[0] as FakeSession;
      c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":92,"Height":34}')]));
      c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":91,"Height":33}')]));
      await waitFor(() => s.resizes.length === 2, 2000, 'both resizes');
      expect(s.resizes).to.deep.equal([
        { width: 92, height: 34 },
        { width: 91, height: 33 },
      ]);
      s.finish();
      await c.closed;
    });

    it('stdin to a container created without stdin is dropped, not refused (as Docker and dockershim)', async () => {
      const id = await interactivePod('nostdin', { tty: false });
      const c = await connect('/attach/default/nostdin/main?stdin=true&stdout=true&tty=true', ['v5.channel.k8s.io']);
      await waitFor(() => rt.sessions.length === 1, 2000, 'the session');
      const s = rt.sessions[0] as FakeSession;
      expect(rt.callsOf('attach')[0]).to.deep.equal([id, { stdin: false, tty: false }]);
      expect(s.stdin).to.equal(undefined);
      c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ignored')]));
      s.stdout.write('out');
      s.finish();
      await c.closed;
      expect(onChannel(c, 1)).to.equal('out');
      expect(s.received).to.equal('');
    });
  });
});
