/**
 * Protobuf request bodies: the exact bytes kubectl 1.32 sends for `kubectl create namespace
 * team-a`, a namespace with every field we decode (built with a small encoder below), and
 * malformed or unsupported bodies.
 */
import { expect } from 'chai';
import { StatusError } from '../../../pkg/api/errors';
import { decodeProtobuf } from '../../../pkg/apiserver/protobuf';

/** Captured from `kubectl create namespace team-a` (Content-Type application/vnd.kubernetes.protobuf). */
const kubectlCreateNamespace =
  '6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6112001a0022002a0032003800420012001a020a001a002200';

// A minimal protobuf encoder for the fixtures.
const varint = (n: number): number[] => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  return [...out, n];
};
const bytesField = (field: number, body: Buffer | string): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.from([...varint((field << 3) | 2), ...varint(b.length), ...b]);
};
const intField = (field: number, n: number): Buffer => Buffer.from([...varint(field << 3), ...varint(n)]);
const msg = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from('k8s\0'),
    bytesField(1, msg(bytesField(1, apiVersion), bytesField(2, kind))),
    bytesField(2, raw),
  ]);

const statusOf = (fn: () => unknown): { code: number; message: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a StatusError');
};

describe('apiserver: protobuf request bodies', () => {
  it("decodes kubectl's `create namespace` body; empty fields are left out, as with omitempty", () => {
    expect(decodeProtobuf(Buffer.from(kubectlCreateNamespace, 'hex'))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
    });
  });

  it('decodes labels, annotations, finalizers, generation, timestamps and status, skipping unknown fields', () => {
    const entry = (k: string, v: string) => msg(bytesField(1, k), bytesField(2, v));
    const meta = msg(
      bytesField(1, 'full'),
      intField(7, 3),
      bytesField(8, msg(intField(1, 1_700_000_000))),
      bytesField(11, entry('team', 'a')),
      bytesField(11, entry('tier', 'b')),
      bytesField(12, entry('note', 'x')),
      bytesField(14, 'example.com/one'),
      bytesField(14, 'example.com/two'),
      bytesField(99, 'ignored'),
    );
    const ns = msg(
      bytesField(1, meta),
      bytesField(2, msg(bytesField(1, 'kubernetes'))),
      bytesField(3, msg(bytesField(1, 'Active'))),
    );
    expect(decodeProtobuf(envelope('v1', 'Namespace', ns))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'full',
        generation: 3,
        creationTimestamp: '2023-11-14T22:13:20Z',
        labels: { team: 'a', tier: 'b' },
        annotations: { note: 'x' },
        finalizers: ['example.com/one', 'example.com/two'],
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('a kind it has no schema for is a 415 asking for JSON', () => {
    const err = statusOf(() => decodeProtobuf(envelope('v1', 'Pod', msg(bytesField(1, msg(bytesField(1, 'p')))))));
    expect(err.code).to.equal(415);
    expect(err.message).to.equal(
      'protobuf bodies are not accepted for v1/Pod (only for Namespace, RBAC and the auth reviews): send application/json or application/yaml',
    );
  });

  it('malformed bodies are 400s: no magic, truncated field, truncated varint, a wrong wire type', () => {
    expect(statusOf(() => decodeProtobuf(Buffer.from('{"kind":"Namespace"}'))).code).to.equal(400);
    const full = Buffer.from(kubectlCreateNamespace, 'hex');
    expect(statusOf(() => decodeProtobuf(full.subarray(0, full.length - 10))).message).to.equal(
      'protobuf body: truncated field',
    );
    expect(statusOf(() => decodeProtobuf(Buffer.from([...Buffer.from('k8s\0'), 0x0a, 0x80]))).message).to.equal(
      'protobuf body: truncated varint',
    );
    expect(statusOf(() => decodeProtobuf(envelope('v1', 'Namespace', msg(intField(1, 5))))).message).to.equal(
      'protobuf body: expected a length-delimited field',
    );
  });
});
