import { expect } from 'chai';
import type { KubeObject, WatchEvent } from '../../../pkg/api/meta';
import { decodeWatchLine, decodeWatchStream, WatchDecodeError } from '../../../pkg/client/watch_decoder';

type Ev = WatchEvent<KubeObject>;

/** Multi-byte UTF-8 on purpose: 2-byte (ü), 3-byte (✓, 日本) and 4-byte (😀) sequences. */
const events: Ev[] = [
  {
    type: 'ADDED',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '10', annotations: { note: 'grüße ✓ 日本 😀' } },
    },
  },
  {
    type: 'MODIFIED',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '11', labels: { x: 'y' } },
    },
  },
  {
    type: 'BOOKMARK',
    object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { resourceVersion: '12' } },
  },
  {
    type: 'DELETED',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: '😀', namespace: 'ns', resourceVersion: '13' },
    },
  },
];

const wire = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');

async function* chunksOf(...parts: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield p;
}

/** Splits `buf` at the given byte offsets. */
function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  return out;
}

async function collect(src: AsyncIterable<Buffer | string>): Promise<Ev[]> {
  const out: Ev[] = [];
  for await (const ev of decodeWatchStream<KubeObject>(src)) out.push(ev);
  return out;
}

/** Collects events until the stream throws; returns both. */
async function collectUntilError(src: AsyncIterable<Buffer | string>): Promise<{ got: Ev[]; err: unknown }> {
  const got: Ev[] = [];
  try {
    for await (const ev of decodeWatchStream<KubeObject>(src)) got.push(ev);
  } catch (err) {
    return { got, err };
  }
  return { got, err: undefined };
}

describe('client: watch decoder', () => {
  it('the wire fixture really contains multi-byte characters (the test below would be vacuous otherwise)', () => {
    expect(wire.length).to.be.greaterThan(wire.toString('utf8').length);
  });

  it('decodes the same events for a split at every byte offset (including inside multi-byte characters)', async () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const got = await collect(chunksOf(...splitAt(wire, [cut])));
      expect(got, `split at byte ${cut}`).to.deep.equal(events);
    }
  });

  it('decodes one byte per chunk', async () => {
    const cuts = Array.from({ length: wire.length - 1 }, (_, i) => i + 1);
    expect(await collect(chunksOf(...splitAt(wire, cuts)))).to.deep.equal(events);
  });

  it('decodes three-way splits around every 4-byte emoji byte', async () => {
    const emoji = Buffer.from('😀', 'utf8');
    const at = wire.indexOf(emoji);
    expect(at).to.be.greaterThan(0);
    for (let i = 1; i < 4; i++)
      for (let j = i + 1; j <= 4; j++) {
        const got = await collect(chunksOf(...splitAt(wire, [at + i, at + j])));
        expect(got, `cuts ${i},${j}`).to.deep.equal(events);
      }
  });

  it('decodes several events in one chunk, blank lines and CRLF line ends', async () => {
    const text = `\n${JSON.stringify(events[0])}\r\n\n${JSON.stringify(events[1])}\n`;
    expect(await collect(chunksOf(Buffer.from(text)))).to.deep.equal(events.slice(0, 2));
  });

  it('yields a final event that has no trailing newline', async () => {
    const text = `${JSON.stringify(events[0])}\n${JSON.stringify(events[1])}`;
    const buf = Buffer.from(text);
    expect(await collect(chunksOf(buf.subarray(0, 17), buf.subarray(17)))).to.deep.equal(events.slice(0, 2));
  });

  it('a malformed line raises WatchDecodeError after the events before it, and nothing after it is yielded', async () => {
    const text = `${JSON.stringify(events[0])}\n{"type":"ADDED","object":{"metadata"\n${JSON.stringify(events[1])}\n`;
    const { got, err } = await collectUntilError(chunksOf(Buffer.from(text)));
    expect(got).to.deep.equal([events[0]]);
    expect(err).to.be.instanceOf(WatchDecodeError);
    expect((err as Error).message).to.contain('{"type":"ADDED","object":{"metadata"');
  });

  it('a stream cut in the middle of an event (no newline, incomplete JSON) is an error, not a silent end', async () => {
    const full = Buffer.from(`${JSON.stringify(events[0])}\n${JSON.stringify(events[1])}`);
    const { got, err } = await collectUntilError(chunksOf(full.subarray(0, full.length - 5)));
    expect(got).to.deep.equal([events[0]]);
    expect(err).to.be.instanceOf(WatchDecodeError);
  });

  const notEvents: [string, string][] = [
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"ADDED"'],
    ['no type', '{"object":{"metadata":{}}}'],
    ['no object', '{"type":"ADDED"}'],
    ['an unknown type', '{"type":"CREATED","object":{"metadata":{}}}'],
    ['a non-object object', '{"type":"ADDED","object":"x"}'],
    ['a null object', '{"type":"ADDED","object":null}'],
    ['an array object', '{"type":"ADDED","object":[]}'],
  ];
  for (const [what, line] of notEvents) {
    it(`decodeWatchLine rejects ${what} with WatchDecodeError`, () => {
      expect(() => decodeWatchLine(line)).to.throw(WatchDecodeError);
    });
  }

  it('decodeWatchLine accepts an ERROR event carrying a Status', () => {
    const ev = decodeWatchLine<KubeObject>(
      '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"code":410,"reason":"Expired"}}',
    );
    expect(ev.type).to.equal('ERROR');
  });

  it('string chunks work as well as Buffers', async () => {
    const text = wire.toString('utf8');
    expect(await collect(chunksOf(text.slice(0, 50), text.slice(50)))).to.deep.equal(events);
  });

  it('an empty stream yields nothing and does not throw', async () => {
    expect(await collect(chunksOf())).to.deep.equal([]);
  });
});
