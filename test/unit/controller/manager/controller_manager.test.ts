/** --controllers parsing and the built-in StorageClasses. */
import { expect } from 'chai';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import { knownControllers, selectControllers } from '../../../../pkg/controller/manager/controller_manager';
import { ensureBuiltinClasses } from '../../../../pkg/controller/volume/persistentvolume/builtin_classes';
import { BuiltinProvisioner as Provisioner, testDriverRegistry } from '../../../helpers/volume_drivers';
import { FakeResource, FakeTracker } from '../../../helpers/fake_client';

describe('controller-manager: selectControllers (--controllers)', () => {
  const all = [...knownControllers];
  const cases: [string, string[]][] = [
    ['*', all],
    ['persistentvolume-binder', ['persistentvolume-binder']],
    ['scheduler,persistentvolume-binder', ['persistentvolume-binder', 'scheduler']],
    [
      '*,-scheduler',
      [
        'persistentvolume-binder',
        'pvc-protection',
        'pv-protection',
        'persistentvolume-expander',
        'namespace',
        'statefulset',
        'garbagecollector',
        'snapshot-controller',
      ],
    ],
    [
      '-scheduler,*',
      [
        'persistentvolume-binder',
        'pvc-protection',
        'pv-protection',
        'persistentvolume-expander',
        'namespace',
        'statefulset',
        'garbagecollector',
        'snapshot-controller',
      ],
    ],
    [
      '*,-pvc-protection,-pv-protection',
      [
        'persistentvolume-binder',
        'persistentvolume-expander',
        'scheduler',
        'namespace',
        'statefulset',
        'garbagecollector',
        'snapshot-controller',
      ],
    ],
    [
      ' * , -scheduler ',
      [
        'persistentvolume-binder',
        'pvc-protection',
        'pv-protection',
        'persistentvolume-expander',
        'namespace',
        'statefulset',
        'garbagecollector',
        'snapshot-controller',
      ],
    ],
    ['-scheduler', []],
    ['', []],
    ['scheduler,-scheduler', []],
  ];
  for (const [spec, want] of cases)
    it(`${JSON.stringify(spec)} → ${JSON.stringify(want)}`, () => expect(selectControllers(spec)).to.deep.equal(want));

  it('an unknown name (enabled or disabled) is an error naming it and the known ones', () => {
    expect(() => selectControllers('*,bogus')).to.throw(
      /unknown controller "bogus" \(known: persistentvolume-binder, pvc-protection, pv-protection, persistentvolume-expander, scheduler, namespace, statefulset, garbagecollector, snapshot-controller\)/,
    );
    expect(() => selectControllers('-bogus')).to.throw(/unknown controller "bogus"/);
  });
});

describe('controller-manager: built-in StorageClasses', () => {
  const drivers = testDriverRegistry({ nfs: { server: 'nfs.local', exportRoot: '/srv/nfs', exportPath: '/exports' } });

  it('hostPath and nfs, with Delete reclaim and Immediate binding; nfs carries the server and export path', () => {
    const [hp, n] = drivers.defaultClasses();
    expect(hp).to.deep.include({
      provisioner: Provisioner.HostPath,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    expect(hp?.metadata.name).to.equal('hostPath');
    expect(n?.metadata.name).to.equal('nfs');
    expect(n).to.deep.include({ provisioner: Provisioner.NFS, parameters: { server: 'nfs.local', path: '/exports' } });
  });

  it('creates the missing ones and never overwrites one a user changed', async () => {
    const api = new FakeResource<StorageClass>(new FakeTracker(), {
      resource: 'storageclasses',
      group: 'storage.k8s.io',
      namespaced: false,
    });
    api.seed({ metadata: { name: 'hostPath' }, provisioner: Provisioner.HostPath, reclaimPolicy: 'Retain' });
    await ensureBuiltinClasses(api, drivers);
    expect(api.peek('hostPath')?.reclaimPolicy).to.equal('Retain');
    expect(api.peek('nfs')?.provisioner).to.equal(Provisioner.NFS);
    await ensureBuiltinClasses(api, drivers);
    expect(api.all()).to.have.length(2);
  });

  it('errors other than AlreadyExists are returned', async () => {
    const api = new FakeResource<StorageClass>(new FakeTracker(), { resource: 'storageclasses', namespaced: false });
    api.failNext('create', new Error('forbidden'));
    let err: unknown;
    await ensureBuiltinClasses(api, drivers).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/forbidden/);
  });
});
