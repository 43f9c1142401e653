/**
 * The DefaultStorageClass admission plugin: a claim created without any class gets the default
 * class (the newest when several are annotated, then by name); "" and explicit classes, the beta
 * class annotation, updates and subresources are left alone.
 */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../pkg/api/core/v1';
import type { KubeObject } from '../../../../pkg/api/meta';
import {
  BetaIsDefaultStorageClassAnnotation,
  defaultStorageClass,
  IsDefaultStorageClassAnnotation,
} from '../../../../pkg/api/storage/default_class';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import { admitDefaultStorageClass } from '../../../../pkg/apiserver/admission/default_storage_class';

function sc(name: string, created: string, annotations: Record<string, string> = {}): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: created, annotations },
    provisioner: 'kubestore.io/hostpath',
  };
}
const isDefault = { [IsDefaultStorageClassAnnotation]: 'true' };

function claim(className?: string | null, annotations?: Record<string, string>): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      resources: { requests: { storage: '1Gi' } },
      ...(className === undefined ? {} : { storageClassName: className as string }),
    },
  };
}

function admitted(obj: PersistentVolumeClaim, classes: StorageClass[], verb = 'create', subresource?: string) {
  const out: KubeObject = admitDefaultStorageClass(
    { resource: 'persistentvolumeclaims', verb, obj, ...(subresource ? { subresource } : {}) },
    () => classes,
  );
  return (out as PersistentVolumeClaim).spec.storageClassName;
}

describe('DefaultStorageClass admission', () => {
  const classes = [sc('plain', '2026-01-01T00:00:00Z'), sc('fast', '2026-01-02T00:00:00Z', isDefault)];

  it('a claim without storageClassName gets the default class (also a null storageClassName)', () => {
    expect(admitted(claim(), classes)).to.equal('fast');
    expect(admitted(claim(null), classes)).to.equal('fast');
  });

  it('an explicit "" stays "", an explicit class stays, the beta class annotation counts as a class', () => {
    expect(admitted(claim(''), classes)).to.equal('');
    expect(admitted(claim('hostPath'), classes)).to.equal('hostPath');
    expect(admitted(claim(undefined, { 'volume.beta.kubernetes.io/storage-class': 'plain' }), classes)).to.equal(
      undefined,
    );
  });

  it('no default class: nothing set ("false" and other values are not defaults)', () => {
    expect(
      admitted(claim(), [sc('a', '2026-01-01T00:00:00Z', { [IsDefaultStorageClassAnnotation]: 'false' })]),
    ).to.equal(undefined);
    expect(
      admitted(claim(), [sc('b', '2026-01-01T00:00:00Z', { [IsDefaultStorageClassAnnotation]: 'True' })]),
    ).to.equal(undefined);
    expect(admitted(claim(), [])).to.equal(undefined);
  });

  it('several defaults: the newest wins (Kubernetes 1.26+), equal creation times by name; the beta annotation counts', () => {
    const several = [
      sc('old', '2026-01-01T00:00:00Z', isDefault),
      sc('newest', '2026-03-01T00:00:00Z', { [BetaIsDefaultStorageClassAnnotation]: 'true' }),
      sc('middle', '2026-02-01T00:00:00Z', isDefault),
    ];
    expect(admitted(claim(), several)).to.equal('newest');
    expect(admitted(claim(), [...several].reverse())).to.equal('newest');
    const tie = [sc('zeta', '2026-01-01T00:00:00Z', isDefault), sc('alpha', '2026-01-01T00:00:00Z', isDefault)];
    expect(defaultStorageClass(tie)?.metadata.name).to.equal('alpha');
    expect(defaultStorageClass([...tie].reverse())?.metadata.name).to.equal('alpha');
  });

  it('updates, subresources and other resources are not touched', () => {
    expect(admitted(claim(), classes, 'update')).to.equal(undefined);
    expect(admitted(claim(), classes, 'patch')).to.equal(undefined);
    expect(admitted(claim(), classes, 'create', 'status')).to.equal(undefined);
    const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'x' }, spec: {} };
    const out = admitDefaultStorageClass({ resource: 'persistentvolumes', verb: 'create', obj: pv }, () => classes);
    expect(out).to.equal(pv);
  });

  it('the input is not changed; client-chosen annotation keys such as __proto__ are plain data', () => {
    const c = claim();
    const out = admitted(c, classes);
    expect(out).to.equal('fast');
    expect(c.spec.storageClassName).to.equal(undefined);
    const hostile = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    expect(admitted(claim(undefined, hostile), classes)).to.equal('fast');
    const odd = sc(
      'odd',
      '2027-01-01T00:00:00Z',
      JSON.parse(`{"__proto__": {"${IsDefaultStorageClassAnnotation}": "true"}}`),
    );
    expect(admitted(claim(), [...classes, odd])).to.equal('fast');
  });
});
