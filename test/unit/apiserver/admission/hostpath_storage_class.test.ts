/** The HostPathStorageClass admission check: hostPath classes may name only allowed roots. */
import { expect } from 'chai';
import type { KubeObject } from '../../../../pkg/api/meta';
import { StatusError } from '../../../../pkg/api/errors';
import { admitHostPathClass } from '../../../../pkg/apiserver/admission/hostpath_storage_class';

const roots = ['/var/lib/kubestore/volumes', '/mnt/fast'];

function cls(provisioner: string, parameters?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'c' },
    provisioner,
    ...(parameters ? { parameters } : {}),
  } as unknown as KubeObject;
}

function refusal(fn: () => void): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('admission: HostPathStorageClass', () => {
  it('admits hostPath classes without a path or with a path equal to or under a root, and other provisioners and resources', () => {
    for (const obj of [
      cls('kubestore.io/hostpath'),
      cls('kubestore.io/hostpath', { path: '/mnt/fast' }),
      cls('kubestore.io/hostpath', { path: '/var/lib/kubestore/volumes/x' }),
      cls('kubestore.io/nfs', { path: '/anywhere' }),
    ]) {
      admitHostPathClass('storageclasses', obj, undefined, roots);
    }
    admitHostPathClass('persistentvolumes', cls('kubestore.io/hostpath', { path: '/anywhere' }), undefined, roots);
  });

  for (const [bad, why] of [
    ['/anywhere', /not under an allowed root/],
    ['relative/dir', /must be an absolute path/],
    ['/mnt/fast/../../etc', /must not contain "\.\."/],
    ['/mnt/fast/\0x', /NUL/],
    [42, /must be a string/],
  ] as const) {
    it(`refuses parameters.path ${JSON.stringify(bad)} with 422 naming the field`, () => {
      const err = refusal(() =>
        admitHostPathClass('storageclasses', cls('kubestore.io/hostpath', { path: bad }), undefined, roots),
      );
      expect(err.code).to.equal(422);
      expect(err.reason).to.equal('Invalid');
      expect(err.status.details?.causes?.[0]?.field).to.equal('parameters.path');
      expect(err.message).to.match(why);
    });
  }

  it('an update that keeps an existing path is admitted even if the roots changed since', () => {
    const old = cls('kubestore.io/hostpath', { path: '/old/root' });
    admitHostPathClass('storageclasses', old, old, roots);
    expect(() =>
      admitHostPathClass('storageclasses', cls('kubestore.io/hostpath', { path: '/other' }), old, roots),
    ).to.throw(StatusError);
  });
});
