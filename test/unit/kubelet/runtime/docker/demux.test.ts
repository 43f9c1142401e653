import { expect } from 'chai';
import { Readable } from 'node:stream';
import { DockerLogDemuxer } from '../../../../../pkg/kubelet/runtime/docker/demux';
import { readAll } from '../../../../../pkg/kubelet/runtime/interface';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function demux(chunks: Buffer[]): Promise<string> {
  return readAll(Readable.from(chunks).pipe(new DockerLogDemuxer()));
}

describe('runtime/docker: log demultiplexing', () => {
  it('interleaves stdout and stderr frames in order, without headers', async () => {
    const out = await demux([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
    expect(out).to.equal('out 1\nerr 1\nout 2\n');
  });

  it('raw (a TTY container): bytes that look like a frame header pass through untouched', async () => {
    // A TTY program may well print \x01\0\0\0…; only the container's Tty flag may decide.
    const looksFramed = frame(1, 'not a frame');
    const out = await readAll(Readable.from([looksFramed]).pipe(new DockerLogDemuxer({ raw: true })));
    expect(Buffer.from(out, 'utf8').equals(looksFramed)).to.equal(true);
    expect(await demux([looksFramed])).to.equal('not a frame');
  });

  it('reassembles frames split at every byte boundary', async () => {
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'wörld\n'), frame(1, '')]);
    const bytes = [...all].map((b) => Buffer.from([b]));
    expect(await demux(bytes)).to.equal('hello wörld\n');
  });

  it('handles several frames in one chunk', async () => {
    expect(await demux([Buffer.concat([frame(1, 'a'), frame(1, 'b'), frame(2, 'c')])])).to.equal('abc');
  });

  it('passes a non-multiplexed (TTY) stream through unchanged', async () => {
    expect(await demux([Buffer.from('plain tty output\n'), Buffer.from('more\n')])).to.equal(
      'plain tty output\nmore\n',
    );
  });

  it('passes a short raw stream through at the end', async () => {
    expect(await demux([Buffer.from('hi')])).to.equal('hi');
  });

  it('keeps the text of a truncated last frame', async () => {
    const f = frame(1, 'truncated payload');
    expect(await demux([f.subarray(0, 12)])).to.equal('trun');
  });

  it('yields nothing for an empty stream', async () => {
    expect(await demux([])).to.equal('');
  });
});
