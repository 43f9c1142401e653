import { expect } from 'chai';
import type { ObjectMeta } from '../../../../pkg/api/meta';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../../../pkg/api/validation';
import { type Row, runRows } from './fixtures';

const namespaced = (meta: ObjectMeta) => validateObjectMeta(meta, { namespaced: true, nameFn: nameIsDNSSubdomain });
const clusterScoped = (meta: ObjectMeta) => validateObjectMeta(meta, { namespaced: false });

describe('validateObjectMeta (namespaced, DNS subdomain names)', () => {
  const valid = (): ObjectMeta => ({
    name: 'web-1',
    namespace: 'default',
    labels: { app: 'web', 'example.com/tier': 'front' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    finalizers: ['kubernetes.io/pvc-protection', 'kubernetes'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true }],
  });
  const rows: Row<ObjectMeta>[] = [
    {
      name: 'name required',
      mutate: (m) => delete m.name,
      want: ['metadata.name FieldValueRequired'],
      message: 'Required value: name or generateName is required',
    },
    { name: 'generateName stands in for name', mutate: (m) => ((m.generateName = 'web-'), delete m.name), want: [] },
    {
      name: 'generateName follows nameFn',
      mutate: (m) => ((m.generateName = 'Web_'), delete m.name),
      want: ['metadata.generateName FieldValueInvalid'],
    },
    { name: 'name follows nameFn', mutate: (m) => (m.name = 'Web'), want: ['metadata.name FieldValueInvalid'] },
    { name: 'namespace required', mutate: (m) => delete m.namespace, want: ['metadata.namespace FieldValueRequired'] },
    {
      name: 'namespace is a DNS label',
      mutate: (m) => (m.namespace = 'a.b'),
      want: ['metadata.namespace FieldValueInvalid'],
    },
    { name: 'bad label key', mutate: (m) => (m.labels = { '-x': 'v' }), want: ['metadata.labels FieldValueInvalid'] },
    { name: 'bad label value', mutate: (m) => (m.labels = { x: 'v v' }), want: ['metadata.labels FieldValueInvalid'] },
    {
      name: 'bad annotation key',
      mutate: (m) => (m.annotations = { 'a/b/c': '' }),
      want: ['metadata.annotations FieldValueInvalid'],
    },
    {
      name: 'annotations over 256 KiB',
      mutate: (m) => (m.annotations = { a: 'x'.repeat(256 * 1024) }),
      want: ['metadata.annotations FieldValueTooLong'],
    },
    {
      name: 'finalizers are qualified names',
      mutate: (m) => (m.finalizers = ['ok', 'not ok']),
      want: ['metadata.finalizers[1] FieldValueInvalid'],
    },
    {
      name: 'negative generation',
      mutate: (m) => (m.generation = -1),
      want: ['metadata.generation FieldValueInvalid'],
    },
    {
      name: 'owner reference needs a uid',
      mutate: (m) => (m.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }]),
      want: ['metadata.ownerReferences[0].uid FieldValueInvalid'],
    },
  ];
  runRows(valid, namespaced, rows);

  it('metadata itself is required', () => {
    expect(validateObjectMeta(undefined, { namespaced: true }).map((e) => e.field)).to.deep.equal(['metadata']);
  });
});

describe('validateObjectMeta (cluster-scoped, default name rule)', () => {
  const rows: Row<ObjectMeta>[] = [
    {
      name: 'namespace forbidden',
      mutate: (m) => (m.namespace = 'default'),
      want: ['metadata.namespace FieldValueForbidden'],
    },
    { name: 'mixed-case names pass the default rule', mutate: (m) => (m.name = 'hostPath'), want: [] },
    {
      name: "names may not contain '/'",
      mutate: (m) => (m.name = 'a/b'),
      want: ['metadata.name FieldValueInvalid'],
      message: 'Invalid value: "a/b": may not contain \'/\'',
    },
    { name: "names may not be '..'", mutate: (m) => (m.name = '..'), want: ['metadata.name FieldValueInvalid'] },
  ];
  runRows((): ObjectMeta => ({ name: 'pv-1' }), clusterScoped, rows);
});

describe('validateObjectMetaUpdate', () => {
  const old = (): ObjectMeta => ({
    name: 'a',
    namespace: 'default',
    uid: 'u1',
    creationTimestamp: '2024-01-01T00:00:00Z',
    generation: 2,
    finalizers: ['kubernetes.io/pvc-protection'],
  });
  const check = (m: ObjectMeta) => validateObjectMetaUpdate(m, old());
  const rows: Row<ObjectMeta>[] = [
    { name: 'labels may change', mutate: (m) => (m.labels = { a: 'b' }), want: [] },
    {
      name: 'name immutable',
      mutate: (m) => (m.name = 'b'),
      want: ['metadata.name FieldValueInvalid'],
      message: 'Invalid value: "b": field is immutable',
    },
    {
      name: 'namespace immutable',
      mutate: (m) => (m.namespace = 'other'),
      want: ['metadata.namespace FieldValueInvalid'],
    },
    { name: 'uid immutable', mutate: (m) => (m.uid = 'u2'), want: ['metadata.uid FieldValueInvalid'] },
    {
      name: 'creationTimestamp immutable',
      mutate: (m) => (m.creationTimestamp = '2025-01-01T00:00:00Z'),
      want: ['metadata.creationTimestamp FieldValueInvalid'],
    },
    {
      name: 'deletionTimestamp only via deletion',
      mutate: (m) => (m.deletionTimestamp = '2025-01-01T00:00:00Z'),
      want: ['metadata.deletionTimestamp FieldValueInvalid'],
    },
    {
      name: 'generation never decreases',
      mutate: (m) => (m.generation = 1),
      want: ['metadata.generation FieldValueInvalid'],
    },
    {
      name: 'new labels are still validated',
      mutate: (m) => (m.labels = { 'a b': 'c' }),
      want: ['metadata.labels FieldValueInvalid'],
    },
  ];
  runRows(old, check, rows);

  it('an object being deleted gains no finalizers but may drop them', () => {
    const deleting = { ...old(), deletionTimestamp: '2025-01-01T00:00:00Z' };
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)).to.deep.equal([]);
    const errs = validateObjectMetaUpdate(
      { ...deleting, finalizers: ['kubernetes.io/pvc-protection', 'example.com/x'] },
      deleting,
    );
    expect(errs.map((e) => `${e.field} ${e.type}`)).to.deep.equal(['metadata.finalizers FieldValueForbidden']);
  });
});
