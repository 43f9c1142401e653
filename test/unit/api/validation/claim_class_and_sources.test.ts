/**
 * Two claim rules kube-apiserver applies: a claim created without any class may be given one
 * later, once (retroactive default StorageClass); dataSource and dataSourceRef mirror each
 * other on create (NormalizeDataSources), a cross-namespace dataSourceRef is not mirrored and
 * is refused.
 */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../pkg/api/core/v1';
import { normalizeDataSources } from '../../../../pkg/api/defaults';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from '../../../../pkg/api/validation';
import { persistentVolumeClaimStrategy } from '../../../../pkg/apiserver/registry/strategies/persistentvolumeclaims';
import { summary, validPVC } from './fixtures';

function withClass(className: string | undefined, annotations?: Record<string, string>): PersistentVolumeClaim {
  const c = validPVC();
  if (className === undefined) delete c.spec.storageClassName;
  else c.spec.storageClassName = className;
  if (annotations) c.metadata.annotations = annotations;
  return { ...c, status: { phase: 'Pending' } };
}

describe('claim update: the retroactive default class', () => {
  const update = (next: PersistentVolumeClaim, old: PersistentVolumeClaim) =>
    summary(validatePersistentVolumeClaimUpdate(next, old));

  it('a claim without any class may be given a non-empty one', () => {
    expect(update(withClass('fast'), withClass(undefined))).to.deep.equal([]);
  });

  it('not to "", not once a class (even "") is set, not when the beta class annotation is set', () => {
    expect(update(withClass(''), withClass(undefined))).to.deep.equal(['spec FieldValueForbidden']);
    expect(update(withClass('fast'), withClass(''))).to.deep.equal(['spec FieldValueForbidden']);
    expect(update(withClass('fast'), withClass('hostPath'))).to.deep.equal(['spec FieldValueForbidden']);
    expect(update(withClass(undefined), withClass('hostPath'))).to.deep.equal(['spec FieldValueForbidden']);
    const beta = { 'volume.beta.kubernetes.io/storage-class': 'slow' };
    expect(update(withClass('fast', beta), withClass(undefined, beta))).to.deep.equal(['spec FieldValueForbidden']);
  });
});

describe('claim create: dataSource and dataSourceRef mirror each other', () => {
  const created = (spec: Partial<PersistentVolumeClaim['spec']>) =>
    persistentVolumeClaimStrategy.prepareForCreate({ ...validPVC(), spec: { ...validPVC().spec, ...spec } });

  it('only dataSource → dataSourceRef is the same reference', () => {
    const out = created({ dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's' } });
    expect(out.spec.dataSourceRef).to.deep.equal({
      apiGroup: 'snapshot.storage.k8s.io',
      kind: 'VolumeSnapshot',
      name: 's',
    });
    const core = created({ dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } });
    expect(core.spec.dataSourceRef).to.deep.equal({ kind: 'PersistentVolumeClaim', name: 'src' });
    expect(summary(validatePersistentVolumeClaim(core))).to.deep.equal([]);
  });

  it('only dataSourceRef (same namespace) → dataSource is the same reference', () => {
    const out = created({ dataSourceRef: { apiGroup: 'example.com', kind: 'Backup', name: 'b', namespace: '' } });
    expect(out.spec.dataSource).to.deep.equal({ apiGroup: 'example.com', kind: 'Backup', name: 'b' });
    expect(summary(validatePersistentVolumeClaim(out))).to.deep.equal([]);
  });

  it('a cross-namespace dataSourceRef is not mirrored and is refused (422 Forbidden)', () => {
    const out = created({ dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'src', namespace: 'other' } });
    expect(out.spec.dataSource).to.equal(undefined);
    expect(summary(validatePersistentVolumeClaim(out))).to.deep.equal([
      'spec.dataSourceRef.namespace FieldValueForbidden',
    ]);
  });

  it('both given and different: kept as given, validation says they must match; the input is not changed', () => {
    const input = { ...validPVC() };
    input.spec = {
      ...input.spec,
      dataSource: { kind: 'PersistentVolumeClaim', name: 'a' },
      dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'b' },
    };
    const out = normalizeDataSources(input);
    expect(out).to.equal(input);
    expect(summary(validatePersistentVolumeClaim(out))).to.deep.equal(['spec.dataSource FieldValueInvalid']);
    const only = {
      ...validPVC(),
      spec: { ...validPVC().spec, dataSource: { kind: 'PersistentVolumeClaim', name: 'x' } },
    };
    normalizeDataSources(only);
    expect(only.spec.dataSourceRef).to.equal(undefined);
  });
});
