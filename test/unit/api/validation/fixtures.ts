/** Valid objects of each kind and a table runner for validation tests. */
import { expect } from 'chai';
import type { Lease } from '../../../../pkg/api/coordination/v1';
import type { Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import type { FieldError } from '../../../../pkg/api/validation/field';

export function validPV(): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: {
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: '/var/lib/kubestore/pv-1' },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'hostPath',
      volumeMode: 'Filesystem',
    },
  };
}

export function validNFSPV(): PersistentVolume {
  const pv = validPV();
  delete pv.spec.hostPath;
  pv.spec.nfs = { server: '10.0.0.2', path: '/exports/pv-1' };
  pv.spec.storageClassName = 'nfs';
  return pv;
}

export function validPVC(): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'pvc-1', namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '500Mi' } },
      storageClassName: 'hostPath',
      volumeMode: 'Filesystem',
    },
  };
}

export function validPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test-pod', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'test-container',
          image: 'busybox:latest',
          env: [{ name: 'MY_ENV', value: 'x' }],
          volumeMounts: [{ name: 'data-volume', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data-volume', persistentVolumeClaim: { claimName: 'my-pvc' } }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function validStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'hostPath' },
    provisioner: 'kubestore.io/hostpath',
    parameters: { baseDir: '/var/lib/kubestore' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

export function validNamespace(): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a' },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function validNode(): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    status: {
      capacity: { cpu: '2', memory: '24Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

export function validEvent(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'pvc-1.abc123', namespace: 'default' },
    involvedObject: { kind: 'PersistentVolumeClaim', name: 'pvc-1', namespace: 'default' },
    reason: 'ProvisioningSucceeded',
    type: 'Normal',
    count: 1,
  };
}

export function validLease(): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, leaseTransitions: 0 },
  };
}

/** One table row: a change to a valid object and the errors it must produce. */
export interface Row<T> {
  name: string;
  mutate: (obj: T) => void;
  /** Expected `field type` pairs, in order, e.g. `spec.capacity[storage] FieldValueRequired`. */
  want: string[];
  /** Optional exact message of the first error. */
  message?: string;
}

/** `field type` of each error, for compact assertions. */
export function summary(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field} ${e.type}`);
}

/** Registers one `it` per row: a clone of `valid()` changed by the row yields exactly its errors. */
export function runRows<T>(valid: () => T, validate: (obj: T) => FieldError[], rows: readonly Row<T>[]): void {
  it('accepts the valid object', () => {
    expect(validate(valid())).to.deep.equal([]);
  });
  for (const row of rows) {
    it(row.name, () => {
      const obj = structuredClone(valid());
      row.mutate(obj);
      const errs = validate(obj);
      expect(summary(errs)).to.deep.equal(row.want);
      if (row.message !== undefined) expect(errs[0]?.message).to.equal(row.message);
    });
  }
}
