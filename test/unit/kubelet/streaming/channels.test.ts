import { expect } from 'chai';
import {
  Channel,
  decodeFrame,
  encodeFrame,
  errorPayload,
  exitStatus,
  negotiate,
  parseResize,
  StreamProtocol,
} from '../../../../pkg/kubelet/streaming/channels';

describe('kubelet/streaming: channel framing', () => {
  it('negotiates the first offered protocol it serves, in the client order', () => {
    expect(negotiate(['v5.channel.k8s.io', 'v4.channel.k8s.io'])).to.equal(StreamProtocol.V5);
    expect(negotiate(['SPDY/3.1+portforward.k8s.io', 'v4.channel.k8s.io'])).to.equal(StreamProtocol.V4);
    expect(negotiate(['base64.channel.k8s.io'])).to.equal(StreamProtocol.Base64);
    expect(negotiate(['v3.channel.k8s.io', 'chat'])).to.equal(undefined);
  });

  it('binary frames: first byte the channel, the rest the data; round trip', () => {
    const frame = encodeFrame(StreamProtocol.V5, Channel.Stderr, Buffer.from('oops'));
    expect(frame).to.deep.equal(Buffer.from([2, 0x6f, 0x6f, 0x70, 0x73]));
    const back = decodeFrame(StreamProtocol.V4, Buffer.from([0, 0x61]), true);
    expect(back).to.deep.equal({ channel: Channel.Stdin, data: Buffer.from('a') });
    expect(decodeFrame(StreamProtocol.V5, Buffer.from([Channel.Close, Channel.Stdin]), true)).to.deep.equal({
      channel: 255,
      data: Buffer.from([0]),
    });
    expect(decodeFrame(StreamProtocol.V5, Buffer.alloc(0), true)).to.equal(undefined);
    expect(decodeFrame(StreamProtocol.V5, Buffer.from('0abc'), false), 'text frames are not v5').to.equal(undefined);
  });

  it('base64 frames: an ASCII digit and base64 data', () => {
    expect(encodeFrame(StreamProtocol.Base64, Channel.Stdout, Buffer.from('hi'))).to.equal('1aGk=');
    expect(decodeFrame(StreamProtocol.Base64, Buffer.from('0aGk='), false)).to.deep.equal({
      channel: 0,
      data: Buffer.from('hi'),
    });
    expect(decodeFrame(StreamProtocol.Base64, Buffer.from('x'), false)).to.equal(undefined);
  });

  it('resize messages: Width/Height integers only', () => {
    expect(parseResize(Buffer.from('{"Width":80,"Height":24}'))).to.deep.equal({ width: 80, height: 24 });
    expect(parseResize(Buffer.from('{"Width":"80","Height":24}'))).to.equal(undefined);
    expect(parseResize(Buffer.from('{"__proto__":{"Width":1},"Height":2}'))).to.equal(undefined);
    expect(parseResize(Buffer.from('not json'))).to.equal(undefined);
    expect(parseResize(Buffer.from('{"Width":-1,"Height":24}'))).to.equal(undefined);
  });

  it('exit status as the kubelet writes it: Success, or NonZeroExitCode with an ExitCode cause', () => {
    expect(JSON.parse(errorPayload(StreamProtocol.V4, exitStatus(['true'], 0)).toString())).to.deep.equal({
      metadata: {},
      status: 'Success',
    });
    const failed = JSON.parse(errorPayload(StreamProtocol.V5, exitStatus(['sh', '-c', 'exit 3'], 3)).toString());
    expect(failed).to.deep.include({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(failed.details).to.deep.equal({ causes: [{ reason: 'ExitCode', message: '3' }] });
    expect(failed.message).to.contain('exited with 3');
    expect(errorPayload(StreamProtocol.Base64, exitStatus(['x'], 0)).length, 'v1: no message on success').to.equal(0);
  });
});
