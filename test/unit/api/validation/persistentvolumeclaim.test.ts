import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../pkg/api/core/v1';
import {
  claimSpecImmutableMessage,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatus,
  validatePersistentVolumeClaimUpdate,
} from '../../../../pkg/api/validation';
import { type Row, runRows, summary, validPVC } from './fixtures';

function setStorage(pvc: PersistentVolumeClaim, storage: string | undefined): void {
  pvc.spec.resources = { requests: storage === undefined ? {} : { storage } };
}

describe('validatePersistentVolumeClaim', () => {
  const rows: Row<PersistentVolumeClaim>[] = [
    {
      name: 'dataSource VolumeSnapshot is accepted',
      mutate: (c) => (c.spec.dataSource = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's' }),
      want: [],
    },
    {
      name: 'dataSource and dataSourceRef equal are accepted',
      mutate: (c) => {
        c.spec.dataSource = { kind: 'PersistentVolumeClaim', name: 'src' };
        c.spec.dataSourceRef = { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'src' };
      },
      want: [],
    },
    {
      name: 'dataSource and dataSourceRef must match',
      mutate: (c) => {
        c.spec.dataSource = { kind: 'PersistentVolumeClaim', name: 'a' };
        c.spec.dataSourceRef = { kind: 'PersistentVolumeClaim', name: 'b' };
      },
      want: ['spec.dataSource FieldValueInvalid'],
    },
    {
      name: 'a core-group data source is a PersistentVolumeClaim, with a name',
      mutate: (c) => (c.spec.dataSource = { kind: 'Pod', name: '' }),
      want: ['spec.dataSource.name FieldValueRequired', 'spec.dataSource.kind FieldValueNotSupported'],
    },
    {
      name: 'a cross-namespace dataSourceRef is refused',
      mutate: (c) =>
        (c.spec.dataSourceRef = {
          apiGroup: 'snapshot.storage.k8s.io',
          kind: 'VolumeSnapshot',
          name: 's',
          namespace: 'x',
        }),
      want: ['spec.dataSourceRef.namespace FieldValueForbidden'],
    },
    {
      name: 'name is a DNS subdomain',
      mutate: (c) => (c.metadata.name = 'My-Claim'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'storage request required',
      mutate: (c) => setStorage(c, undefined),
      want: ['spec.resources[storage] FieldValueRequired'],
    },
    {
      name: 'resources missing altogether',
      mutate: (c) => delete c.spec.resources,
      want: ['spec.resources[storage] FieldValueRequired'],
    },
    {
      name: 'storage request must parse',
      mutate: (c) => setStorage(c, 'lots'),
      want: ['spec.resources[storage] FieldValueInvalid'],
    },
    {
      name: 'storage request > 0',
      mutate: (c) => setStorage(c, '0'),
      want: ['spec.resources[storage] FieldValueInvalid'],
      message: 'Invalid value: "0": must be greater than zero',
    },
    {
      name: 'negative storage request',
      mutate: (c) => setStorage(c, '-5Gi'),
      want: ['spec.resources[storage] FieldValueInvalid'],
    },
    {
      name: 'limits must parse',
      mutate: (c) => (c.spec.resources = { requests: { storage: '1Gi' }, limits: { storage: 'x' } }),
      want: ['spec.resources.limits[storage] FieldValueInvalid'],
    },
    { name: 'accessModes may be empty (defaulting fills it)', mutate: (c) => (c.spec.accessModes = []), want: [] },
    { name: 'accessModes may be absent', mutate: (c) => delete c.spec.accessModes, want: [] },
    {
      name: 'accessModes entries known',
      mutate: (c) => (c.spec.accessModes = ['RWO' as never]),
      want: ['spec.accessModes FieldValueNotSupported'],
    },
    {
      name: 'selector In with values',
      mutate: (c) => (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] }),
      want: [],
    },
    {
      name: 'selector In needs values',
      mutate: (c) => (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'In' }] }),
      want: ['spec.selector.matchExpressions[0].values FieldValueRequired'],
    },
    {
      name: 'selector NotIn needs values',
      mutate: (c) => (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: [] }] }),
      want: ['spec.selector.matchExpressions[0].values FieldValueRequired'],
    },
    {
      name: 'selector Exists takes no values',
      mutate: (c) => (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }),
      want: ['spec.selector.matchExpressions[0].values FieldValueForbidden'],
    },
    {
      name: 'selector DoesNotExist takes no values',
      mutate: (c) =>
        (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist', values: ['x'] }] }),
      want: ['spec.selector.matchExpressions[0].values FieldValueForbidden'],
    },
    {
      name: 'selector operator known',
      mutate: (c) =>
        (c.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Gt' as never, values: ['1'] }] }),
      want: ['spec.selector.matchExpressions[0].operator FieldValueInvalid'],
    },
    {
      name: 'selector key valid',
      mutate: (c) => (c.spec.selector = { matchExpressions: [{ key: 'bad key', operator: 'Exists' }] }),
      want: ['spec.selector.matchExpressions[0].key FieldValueInvalid'],
    },
    {
      name: 'selector matchLabels valid',
      mutate: (c) => (c.spec.selector = { matchLabels: { tier: 'bad value' } }),
      want: ['spec.selector.matchLabels FieldValueInvalid'],
    },
    { name: 'volumeName optional', mutate: (c) => (c.spec.volumeName = 'my-specific-pv'), want: [] },
    {
      name: 'volumeName is a PV name',
      mutate: (c) => (c.spec.volumeName = 'My_PV'),
      want: ['spec.volumeName FieldValueInvalid'],
    },
    { name: 'storageClassName nfs', mutate: (c) => (c.spec.storageClassName = 'nfs'), want: [] },
    {
      name: 'storageClassName pattern',
      mutate: (c) => (c.spec.storageClassName = '-fast'),
      want: ['spec.storageClassName FieldValueInvalid'],
    },
    {
      name: 'volumeMode known',
      mutate: (c) => (c.spec.volumeMode = 'Disk' as never),
      want: ['spec.volumeMode FieldValueNotSupported'],
    },
  ];
  runRows(validPVC, validatePersistentVolumeClaim, rows);
});

describe('validatePersistentVolumeClaimUpdate', () => {
  const bound = (): PersistentVolumeClaim => ({
    ...validPVC(),
    status: { phase: 'Bound', capacity: { storage: '500Mi' } },
  });
  const pending = (): PersistentVolumeClaim => ({ ...validPVC(), status: { phase: 'Pending' } });
  const updateBound = (c: PersistentVolumeClaim) => validatePersistentVolumeClaimUpdate(c, bound());
  const updatePending = (c: PersistentVolumeClaim) => validatePersistentVolumeClaimUpdate(c, pending());

  describe('of a bound claim', () => {
    const rows: Row<PersistentVolumeClaim>[] = [
      { name: 'labels may change (not spec)', mutate: (c) => (c.metadata.labels = { a: 'b' }), want: [] },
      { name: 'storage request may grow', mutate: (c) => setStorage(c, '1Gi'), want: [] },
      { name: 'storage request may be respelled', mutate: (c) => setStorage(c, '524288000'), want: [] },
      {
        name: 'storage request may not shrink',
        mutate: (c) => setStorage(c, '100Mi'),
        want: ['spec.resources.requests.storage FieldValueForbidden'],
        message: 'Forbidden: field can not be less than status.capacity',
      },

      {
        name: 'storageClassName immutable',
        mutate: (c) => (c.spec.storageClassName = 'nfs'),
        want: ['spec FieldValueForbidden'],
        message: `Forbidden: ${claimSpecImmutableMessage}`,
      },
      {
        name: 'accessModes immutable',
        mutate: (c) => (c.spec.accessModes = ['ReadWriteMany']),
        want: ['spec FieldValueForbidden'],
      },
      {
        name: 'selector immutable',
        mutate: (c) => (c.spec.selector = { matchLabels: { a: 'b' } }),
        want: ['spec FieldValueForbidden'],
      },
      { name: 'volumeName may be set once', mutate: (c) => (c.spec.volumeName = 'pv-1'), want: [] },
      {
        name: 'the new claim is validated too',
        mutate: (c) => setStorage(c, 'x'),
        want: ['spec.resources[storage] FieldValueInvalid'],
      },
    ];
    runRows(bound, updateBound, rows);

    it('a grown request may be lowered back to more than status.capacity (RecoverVolumeExpansionFailure)', () => {
      const old = bound();
      setStorage(old, '10Gi');
      const c = bound();
      setStorage(c, '1Gi');
      expect(summary(validatePersistentVolumeClaimUpdate(c, old))).to.deep.equal([]);
      setStorage(c, '500Mi');
      expect(summary(validatePersistentVolumeClaimUpdate(c, old))).to.deep.equal([
        'spec.resources.requests.storage FieldValueForbidden',
      ]);
      setStorage(c, '400Mi');
      expect(summary(validatePersistentVolumeClaimUpdate(c, old))).to.deep.equal([
        'spec.resources.requests.storage FieldValueForbidden',
      ]);
    });

    it('volumeName may not change once set', () => {
      const old = bound();
      old.spec.volumeName = 'pv-1';
      const c = bound();
      c.spec.volumeName = 'pv-2';
      expect(summary(validatePersistentVolumeClaimUpdate(c, old))).to.deep.equal(['spec FieldValueForbidden']);
      delete c.spec.volumeName;
      expect(summary(validatePersistentVolumeClaimUpdate(c, old))).to.deep.equal(['spec FieldValueForbidden']);
    });
  });

  describe('of an unbound claim (Kubernetes: requests change only for bound claims)', () => {
    const rows: Row<PersistentVolumeClaim>[] = [
      { name: 'volumeName may be set once', mutate: (c) => (c.spec.volumeName = 'pv-1'), want: [] },
      { name: 'storage request immutable', mutate: (c) => setStorage(c, '1Gi'), want: ['spec FieldValueForbidden'] },
      {
        name: 'shrinking is reported as such too',
        mutate: (c) => setStorage(c, '1Mi'),
        want: ['spec FieldValueForbidden', 'spec.resources.requests.storage FieldValueForbidden'],
      },
    ];
    runRows(pending, updatePending, rows);
  });
});

describe('validatePersistentVolumeClaimStatus', () => {
  const rows: Row<PersistentVolumeClaim>[] = [
    {
      name: 'phase Bound',
      mutate: (c) => (c.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } }),
      want: [],
    },
    { name: 'phase Failed (seed: type mismatch)', mutate: (c) => (c.status = { phase: 'Failed' }), want: [] },
    {
      name: 'unknown phase',
      mutate: (c) => (c.status = { phase: 'Available' as never }),
      want: ['status.phase FieldValueNotSupported'],
    },
    {
      name: 'capacity must parse',
      mutate: (c) => (c.status = { phase: 'Bound', capacity: { storage: 'big' } }),
      want: ['status.capacity[storage] FieldValueInvalid'],
    },
    {
      name: 'access modes known',
      mutate: (c) => (c.status = { phase: 'Bound', accessModes: ['X' as never] }),
      want: ['status.accessModes FieldValueNotSupported'],
    },
    {
      name: 'allocatedResources and a known resize status',
      mutate: (c) =>
        (c.status = {
          phase: 'Bound',
          allocatedResources: { storage: '2Gi' },
          allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
        }),
      want: [],
    },
    {
      name: 'allocatedResources name storage only and parse',
      mutate: (c) => (c.status = { phase: 'Bound', allocatedResources: { cpu: '1', storage: 'lots' } }),
      want: [
        'status.allocatedResources FieldValueNotSupported',
        'status.allocatedResources[storage] FieldValueInvalid',
      ],
    },
    {
      name: 'resize statuses are known ones of storage',
      mutate: (c) =>
        (c.status = {
          phase: 'Bound',
          allocatedResourceStatuses: { storage: 'Growing' as never, memory: 'NodeResizePending' },
        }),
      want: [
        'status.allocatedResourceStatuses[storage] FieldValueNotSupported',
        'status.allocatedResourceStatuses FieldValueNotSupported',
      ],
    },
  ];
  runRows(validPVC, validatePersistentVolumeClaimStatus, rows);
});
