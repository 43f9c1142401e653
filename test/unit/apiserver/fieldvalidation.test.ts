import { expect } from 'chai';
import { StatusError } from '../../../pkg/api/errors';
import type { KubeObject } from '../../../pkg/api/meta';
import {
  checkFields,
  duplicateFields,
  fieldValidationDirective,
  schemaProblems,
  setWarnings,
} from '../../../pkg/apiserver/fieldvalidation';
import { schemaForKind } from '../../../pkg/apiserver/openapi/lookup';

const pvcKind = { group: '', version: 'v1', kind: 'PersistentVolumeClaim' };
const pvcSchema = schemaForKind('', 'v1', 'PersistentVolumeClaim');
const podSchema = schemaForKind('', 'v1', 'Pod');

const pvc = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', labels: { any: 'thing' }, annotations: { 'a/b': 'c' } },
    spec,
    ...extra,
  }) as KubeObject;

const good = {
  accessModes: ['ReadWriteOnce'],
  resources: { requests: { storage: '1Gi' } },
  storageClassName: 'hostPath',
  selector: { matchLabels: { a: 'b' } },
};

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('no error thrown');
}

describe('field validation', () => {
  it('a well-formed object has no problems (maps accept any key, quantities numbers too)', () => {
    expect(schemaProblems(pvc(good), pvcSchema)).to.deep.equal({ unknown: [], typeErrors: [] });
    expect(schemaProblems(pvc({ resources: { requests: { storage: 1024 } } }), pvcSchema).typeErrors).to.deep.equal([]);
  });

  it('finds unknown fields at any depth, including inside list items', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', bogus: 1 },
      spec: { containers: [{ name: 'a', image: 'i', imagePullPolcy: 'x' }], foo: true },
    };
    expect(schemaProblems(pod, podSchema).unknown).to.deep.equal([
      'metadata.bogus',
      'spec.containers[0].imagePullPolcy',
      'spec.foo',
    ]);
  });

  it('does not look inside free-form fields', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a' }], volumes: [{ name: 'v', csi: { anything: { goes: 1 } } }] },
    };
    expect(schemaProblems(pod, podSchema).unknown).to.deep.equal([]);
    const typed = { ...pod, spec: { ...pod.spec, affinity: { nodeAffinity: { bogus: 1 } } } };
    expect(schemaProblems(typed, podSchema).unknown).to.deep.equal(['spec.affinity.nodeAffinity.bogus']);
  });

  it('reports wrong JSON types', () => {
    expect(
      schemaProblems(pvc({ accessModes: 'ReadWriteOnce', storageClassName: 5 }), pvcSchema).typeErrors,
    ).to.deep.equal([
      'spec.accessModes: expected array, got string',
      'spec.storageClassName: expected string, got number',
    ]);
    expect(schemaProblems({ metadata: { labels: 'x' } }, pvcSchema).typeErrors).to.deep.equal([
      'metadata.labels: expected object, got string',
    ]);
  });

  it('an int32 field out of int32 range is a type error, as Go decoding fails (replicas 2^53, 1e300)', () => {
    const stsSchema = schemaForKind('apps', 'v1', 'StatefulSet');
    const sts = (replicas: number) => ({ spec: { replicas, selector: {}, template: { spec: { containers: [] } } } });
    expect(schemaProblems(sts(2 ** 31 - 1), stsSchema).typeErrors).to.deep.equal([]);
    expect(schemaProblems(sts(2 ** 31), stsSchema).typeErrors).to.deep.equal([
      'spec.replicas: expected int32, got number 2147483648',
    ]);
    expect(schemaProblems(sts(-(2 ** 31) - 1), stsSchema).typeErrors).to.have.length(1);
    expect(schemaProblems(sts(1e300), stsSchema).typeErrors).to.have.length(1);
    expect(schemaProblems({ metadata: { generation: 2 ** 40 } }, stsSchema).typeErrors).to.deep.equal([]);
  });

  it('a null item in a list of objects is a type error (validators never see a null container or term)', () => {
    const pod = {
      spec: {
        containers: [null],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [null] }] },
          },
        },
      },
    };
    expect(schemaProblems(pod, podSchema).typeErrors).to.deep.equal([
      'spec.containers[0]: expected object, got null',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]: expected object, got null',
    ]);
    expect(schemaProblems(pvc({ accessModes: [null] }), pvcSchema).typeErrors).to.deep.equal([]);
  });

  it('only counts what the request changed relative to the stored object', () => {
    const old = pvc({ ...good, legacy: 1 });
    expect(schemaProblems(pvc({ ...good, legacy: 1 }), pvcSchema, old).unknown).to.deep.equal([]);
    expect(schemaProblems(pvc({ ...good, legacy: 2 }), pvcSchema, old).unknown).to.deep.equal(['spec.legacy']);
  });

  it('finds duplicate keys in JSON bodies', () => {
    expect(
      duplicateFields('{"metadata":{"name":"a","name":"b"},"spec":{"x":[{"k":1,"k":2}]},"spec":{}}'),
    ).to.deep.equal(['metadata.name', 'spec.x[0].k', 'spec']);
    expect(duplicateFields('{"a":"}\\"{","b":[1,2,{"c":null}]}')).to.deep.equal([]);
    expect(duplicateFields('apiVersion: v1\n')).to.deep.equal([]);
  });

  it('Strict: unknown and duplicate fields are a 400 with Kubernetes’ message', () => {
    const err = statusOf(() =>
      checkFields({
        kind: pvcKind,
        obj: pvc({ ...good, foo: 'bar' }),
        rawJson: '{"spec":{"a":1,"a":2}}',
        directive: 'Strict',
      }),
    );
    expect(err.code).to.equal(400);
    expect(err.reason).to.equal('BadRequest');
    expect(err.message).to.equal(
      'PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: strict decoding error: unknown field "spec.foo", duplicate field "spec.a"',
    );
  });

  it('Warn returns warnings; Ignore returns none; type errors fail whatever the directive', () => {
    expect(checkFields({ kind: pvcKind, obj: pvc({ ...good, foo: 'bar' }), directive: 'Warn' })).to.deep.equal([
      'unknown field "spec.foo"',
    ]);
    expect(checkFields({ kind: pvcKind, obj: pvc({ ...good, foo: 'bar' }), directive: 'Ignore' })).to.deep.equal([]);
    expect(checkFields({ kind: pvcKind, obj: pvc(good), directive: 'Strict' })).to.deep.equal([]);
    expect(
      statusOf(() => checkFields({ kind: pvcKind, obj: pvc({ accessModes: 'x' }), directive: 'Ignore' })).code,
    ).to.equal(400);
  });

  it('parses the directive (default Warn) and writes Warning headers as kubectl expects', () => {
    expect(fieldValidationDirective({ query: {} })).to.equal('Warn');
    expect(fieldValidationDirective({ query: { fieldValidation: 'Strict' } })).to.equal('Strict');
    expect(statusOf(() => fieldValidationDirective({ query: { fieldValidation: 'strict' } })).code).to.equal(400);
    const headers: Record<string, unknown> = {};
    setWarnings({ set: ((k: string, v: unknown) => (headers[k] = v)) as never }, ['unknown field "spec.foo"']);
    expect(headers.Warning).to.deep.equal(['299 - "unknown field \\"spec.foo\\""']);
  });
});
