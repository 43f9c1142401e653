import { expect } from 'chai';
import type { Namespace, PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import {
  defaultNamespace,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultStorageClass,
} from '../../../../pkg/api/defaults';
import {
  validateNamespace,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePod,
  validateStorageClass,
} from '../../../../pkg/api/validation';

/** Runs `fn` on a deep-frozen input: any mutation of it throws in strict mode. */
function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}

describe('defaultPersistentVolume', () => {
  const bare = (): PersistentVolume => ({
    metadata: { name: 'pv-1' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } },
  });

  it('fills reclaim policy Retain, volumeMode Filesystem and phase Pending', () => {
    const pv = defaultPersistentVolume(deepFreeze(bare()));
    expect(pv.spec.persistentVolumeReclaimPolicy).to.equal('Retain');
    expect(pv.spec.volumeMode).to.equal('Filesystem');
    expect(pv.status).to.deep.equal({ phase: 'Pending' });
    expect(validatePersistentVolume(pv)).to.deep.equal([]);
  });

  it('keeps values the client set', () => {
    const input = {
      ...bare(),
      spec: { ...bare().spec, persistentVolumeReclaimPolicy: 'Delete' as const, volumeMode: 'Block' as const },
      status: { phase: 'Bound' as const },
    };
    const pv = defaultPersistentVolume(deepFreeze(input));
    expect(pv.spec.persistentVolumeReclaimPolicy).to.equal('Delete');
    expect(pv.spec.volumeMode).to.equal('Block');
    expect(pv.status?.phase).to.equal('Bound');
  });

  it('writes its capacity in canonical form', () => {
    const pv = defaultPersistentVolume(
      deepFreeze({ metadata: { name: 'pv' }, spec: { capacity: { storage: '2048Mi' }, hostPath: { path: '/x' } } }),
    );
    expect(pv.spec.capacity).to.deep.equal({ storage: '2Gi' });
  });

  it('returns a new object and leaves the input unchanged', () => {
    const input = bare();
    const before = structuredClone(input);
    const out = defaultPersistentVolume(input);
    expect(out).to.not.equal(input);
    expect(input).to.deep.equal(before);
  });
});

describe('defaultPersistentVolumeClaim', () => {
  // The seed's dynamic-provisioning claim: no accessModes.
  const seedClaim = (): PersistentVolumeClaim => ({
    metadata: { name: 'pvc-dynamic-test', namespace: 'default' },
    spec: { storageClassName: 'hostPath', resources: { requests: { storage: '500Mi' } } },
  });

  it('fills accessModes [ReadWriteOnce], volumeMode Filesystem, phase Pending', () => {
    const pvc = defaultPersistentVolumeClaim(deepFreeze(seedClaim()));
    expect(pvc.spec.accessModes).to.deep.equal(['ReadWriteOnce']);
    expect(pvc.spec.volumeMode).to.equal('Filesystem');
    expect(pvc.status).to.deep.equal({ phase: 'Pending' });
    expect(validatePersistentVolumeClaim(pvc)).to.deep.equal([]);
  });

  it('an empty accessModes list is defaulted too', () => {
    const input = seedClaim();
    input.spec.accessModes = [];
    expect(defaultPersistentVolumeClaim(deepFreeze(input)).spec.accessModes).to.deep.equal(['ReadWriteOnce']);
  });

  it('keeps access modes, mode and phase the client set', () => {
    const input = seedClaim();
    input.spec.accessModes = ['ReadWriteMany'];
    input.spec.volumeMode = 'Block';
    input.status = { phase: 'Bound' };
    const pvc = defaultPersistentVolumeClaim(deepFreeze(input));
    expect(pvc.spec.accessModes).to.deep.equal(['ReadWriteMany']);
    expect(pvc.spec.volumeMode).to.equal('Block');
    expect(pvc.status?.phase).to.equal('Bound');
  });

  it('writes quantities in canonical form, numbers as strings, as Kubernetes stores them', () => {
    const input = seedClaim();
    input.spec.resources = {
      requests: { storage: 1073741824 as unknown as string, cpu: '1000m' },
      limits: { storage: '2048Mi', ['__proto__']: '1.5Gi', bogus: 'not a quantity' },
    };
    input.status = { phase: 'Bound', capacity: { storage: '1024Mi' }, allocatedResources: { storage: '0.5Gi' } };
    const pvc = defaultPersistentVolumeClaim(deepFreeze(input));
    expect(pvc.spec.resources?.requests).to.deep.equal({ storage: '1073741824', cpu: '1' });
    expect(pvc.spec.resources?.limits?.storage).to.equal('2Gi');
    expect(Object.getOwnPropertyDescriptor(pvc.spec.resources?.limits, '__proto__')?.value).to.equal('1536Mi');
    expect(Object.getPrototypeOf(pvc.spec.resources?.limits)).to.equal(Object.prototype);
    expect(pvc.spec.resources?.limits?.bogus).to.equal('not a quantity'); // left to validation
    expect(pvc.status?.capacity).to.deep.equal({ storage: '1Gi' });
    expect(pvc.status?.allocatedResources).to.deep.equal({ storage: '512Mi' });
  });
});

describe('defaultPod', () => {
  const seedPod = (): Pod => ({
    metadata: { name: 'test-pod', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'test-container',
          image: 'busybox:latest',
          volumeMounts: [{ name: 'data-volume', mountPath: '/data' }],
          ports: [{ containerPort: 80 }],
        },
      ],
      volumes: [{ name: 'data-volume', persistentVolumeClaim: { claimName: 'my-pvc' } }],
    },
  });

  it('fills restartPolicy, grace period, scheduler, dnsPolicy and phase', () => {
    const pod = defaultPod(deepFreeze(seedPod()));
    expect(pod.spec.restartPolicy).to.equal('Always');
    expect(pod.spec.terminationGracePeriodSeconds).to.equal(30);
    expect(pod.spec.schedulerName).to.equal('default-scheduler');
    expect(pod.spec.dnsPolicy).to.equal('ClusterFirst');
    expect(pod.status).to.deep.equal({ phase: 'Pending' });
    expect(validatePod(pod)).to.deep.equal([]);
  });

  it('pulls images IfNotPresent even for :latest (no registry on these machines)', () => {
    const c = defaultPod(deepFreeze(seedPod())).spec.containers[0];
    expect(c?.imagePullPolicy).to.equal('IfNotPresent');
    expect(c?.terminationMessagePath).to.equal('/dev/termination-log');
    expect(c?.terminationMessagePolicy).to.equal('File');
    expect(c?.ports).to.deep.equal([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('keeps values the client set', () => {
    const input = seedPod();
    input.spec.restartPolicy = 'Never';
    input.spec.terminationGracePeriodSeconds = 0;
    input.spec.schedulerName = 'my-scheduler';
    const c = input.spec.containers[0];
    if (c) c.imagePullPolicy = 'Always';
    const pod = defaultPod(deepFreeze(input));
    expect(pod.spec.restartPolicy).to.equal('Never');
    expect(pod.spec.terminationGracePeriodSeconds).to.equal(0);
    expect(pod.spec.schedulerName).to.equal('my-scheduler');
    expect(pod.spec.containers[0]?.imagePullPolicy).to.equal('Always');
  });

  it('keeps an existing status phase', () => {
    const pod = defaultPod(deepFreeze({ ...seedPod(), status: { phase: 'Running' as const, podIP: '10.0.0.5' } }));
    expect(pod.status).to.deep.equal({ phase: 'Running', podIP: '10.0.0.5' });
  });
});

describe('defaultStorageClass', () => {
  const bare = (): StorageClass => ({ metadata: { name: 'hostPath' }, provisioner: 'kubestore.io/hostpath' });

  it('fills reclaimPolicy Delete and volumeBindingMode Immediate', () => {
    const sc = defaultStorageClass(deepFreeze(bare()));
    expect(sc.reclaimPolicy).to.equal('Delete');
    expect(sc.volumeBindingMode).to.equal('Immediate');
    expect(validateStorageClass(sc)).to.deep.equal([]);
  });

  it('keeps values the client set', () => {
    const sc = defaultStorageClass(
      deepFreeze({ ...bare(), reclaimPolicy: 'Retain' as const, volumeBindingMode: 'WaitForFirstConsumer' as const }),
    );
    expect(sc.reclaimPolicy).to.equal('Retain');
    expect(sc.volumeBindingMode).to.equal('WaitForFirstConsumer');
  });
});

describe('defaultNamespace', () => {
  it('fills phase Active, spec.finalizers [kubernetes] and the kubernetes.io/metadata.name label', () => {
    const ns = defaultNamespace(deepFreeze<Namespace>({ metadata: { name: 'team-a' } }));
    expect(ns.status).to.deep.equal({ phase: 'Active' });
    expect(ns.spec).to.deep.equal({ finalizers: ['kubernetes'] });
    expect(ns.metadata.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(validateNamespace(ns)).to.deep.equal([]);
  });

  it('keeps finalizers and phase the object has', () => {
    const ns = defaultNamespace(
      deepFreeze<Namespace>({ metadata: { name: 'a' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } }),
    );
    expect(ns.spec?.finalizers).to.deep.equal([]);
    expect(ns.status?.phase).to.equal('Terminating');
  });
});
