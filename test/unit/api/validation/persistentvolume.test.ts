import { expect } from 'chai';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import {
  validatePersistentVolume,
  validatePersistentVolumeStatus,
  validatePersistentVolumeUpdate,
} from '../../../../pkg/api/validation';
import { type Row, runRows, summary, validNFSPV, validPV } from './fixtures';

/** Sets a key the PersistentVolumeSpec type does not declare (clients may send anything). */
function setSpecKey(pv: PersistentVolume, key: string, value: unknown): void {
  (pv.spec as Record<string, unknown>)[key] = value;
}

/** A required node affinity naming node-b. */
const onNode: NonNullable<PersistentVolume['spec']['nodeAffinity']> = {
  required: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-b'] }] }],
  },
};

describe('validatePersistentVolume', () => {
  const rows: Row<PersistentVolume>[] = [
    {
      name: 'name is a DNS subdomain',
      mutate: (pv) => (pv.metadata.name = 'PV_1'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'capacity.storage required',
      mutate: (pv) => (pv.spec.capacity = {}),
      want: ['spec.capacity[storage] FieldValueRequired'],
      message: 'Required value',
    },
    {
      name: 'capacity missing altogether',
      mutate: (pv) => delete pv.spec.capacity,
      want: ['spec.capacity[storage] FieldValueRequired'],
    },
    {
      name: 'capacity.storage must parse',
      mutate: (pv) => (pv.spec.capacity = { storage: '1Gb' }),
      want: ['spec.capacity[storage] FieldValueInvalid'],
      message: `Invalid value: "1Gb": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    },
    {
      name: 'capacity.storage > 0 (zero)',
      mutate: (pv) => (pv.spec.capacity = { storage: '0' }),
      want: ['spec.capacity[storage] FieldValueInvalid'],
      message: 'Invalid value: "0": must be greater than zero',
    },
    {
      name: 'capacity.storage > 0 (negative)',
      mutate: (pv) => (pv.spec.capacity = { storage: '-1Gi' }),
      want: ['spec.capacity[storage] FieldValueInvalid'],
    },
    {
      name: 'only storage capacity',
      mutate: (pv) => (pv.spec.capacity = { storage: '1Gi', cpu: '1' }),
      want: ['spec.capacity[cpu] FieldValueNotSupported'],
    },
    {
      name: 'accessModes required',
      mutate: (pv) => delete pv.spec.accessModes,
      want: ['spec.accessModes FieldValueRequired'],
    },
    {
      name: 'accessModes non-empty',
      mutate: (pv) => (pv.spec.accessModes = []),
      want: ['spec.accessModes FieldValueRequired'],
    },
    {
      name: 'accessModes known',
      mutate: (pv) => (pv.spec.accessModes = ['ReadWriteOnce', 'WriteSometimes' as never]),
      want: ['spec.accessModes FieldValueNotSupported'],
      message:
        'Unsupported value: "WriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    },
    {
      name: 'ReadWriteOncePod alone',
      mutate: (pv) => (pv.spec.accessModes = ['ReadWriteOncePod', 'ReadOnlyMany']),
      want: ['spec.accessModes FieldValueForbidden'],
    },
    {
      name: 'a volume source is required',
      mutate: (pv) => delete pv.spec.hostPath,
      want: ['spec FieldValueRequired'],
      message: 'Required value: must specify a volume type',
    },
    {
      name: 'hostPath.path required',
      mutate: (pv) => (pv.spec.hostPath = { path: '' }),
      want: ['spec.hostPath.path FieldValueRequired'],
    },
    {
      name: 'hostPath.path absolute',
      mutate: (pv) => (pv.spec.hostPath = { path: 'data/pv' }),
      want: ['spec.hostPath.path FieldValueInvalid'],
      message: 'Invalid value: "data/pv": must be an absolute path',
    },
    {
      name: "hostPath.path without '..'",
      mutate: (pv) => (pv.spec.hostPath = { path: '/data/../etc' }),
      want: ['spec.hostPath.path FieldValueInvalid'],
      message: `Invalid value: "/data/../etc": must not contain '..'`,
    },
    {
      name: 'hostPath.path may contain dots in names',
      mutate: (pv) => (pv.spec.hostPath = { path: '/data/..x/.y' }),
      want: [],
    },
    {
      name: 'hostPath.type known',
      mutate: (pv) => (pv.spec.hostPath = { path: '/d', type: 'Folder' }),
      want: ['spec.hostPath.type FieldValueNotSupported'],
    },
    {
      name: 'hostPath takes no mount options',
      mutate: (pv) => (pv.spec.mountOptions = ['ro']),
      want: ['spec.mountOptions FieldValueForbidden'],
    },
    {
      name: 'only one source',
      mutate: (pv) => (pv.spec.nfs = { server: 's', path: '/e' }),
      want: ['spec.nfs FieldValueForbidden'],
    },
    {
      name: 'local with node affinity alone is a source',
      mutate: (pv) => (
        delete pv.spec.hostPath,
        (pv.spec.local = { path: '/mnt/disks/ssd1', fsType: 'ext4' }),
        (pv.spec.nodeAffinity = onNode)
      ),
      want: [],
    },
    {
      name: 'local requires node affinity (Kubernetes wording)',
      mutate: (pv) => (delete pv.spec.hostPath, (pv.spec.local = { path: '/mnt/disks/ssd1' })),
      want: ['spec.nodeAffinity FieldValueRequired'],
      message: 'Required value: Local volume requires node affinity',
    },
    {
      name: 'local: a null nodeAffinity is none',
      mutate: (pv) => (
        delete pv.spec.hostPath, (pv.spec.local = { path: '/mnt' }), setSpecKey(pv, 'nodeAffinity', null)
      ),
      want: ['spec.nodeAffinity FieldValueRequired'],
    },
    {
      name: 'local: an empty nodeAffinity counts as given but lacks its required terms',
      mutate: (pv) => (delete pv.spec.hostPath, (pv.spec.local = { path: '/mnt' }), (pv.spec.nodeAffinity = {})),
      want: ['spec.nodeAffinity.required FieldValueRequired'],
    },
    {
      name: 'local.path required',
      mutate: (pv) => (delete pv.spec.hostPath, (pv.spec.local = { path: '' }), (pv.spec.nodeAffinity = onNode)),
      want: ['spec.local.path FieldValueRequired'],
    },
    {
      name: 'local.path absolute',
      mutate: (pv) => (
        delete pv.spec.hostPath, (pv.spec.local = { path: 'disks/ssd1' }), (pv.spec.nodeAffinity = onNode)
      ),
      want: ['spec.local.path FieldValueInvalid'],
      message: 'Invalid value: "disks/ssd1": must be an absolute path',
    },
    {
      name: "local.path without '..' or NUL",
      mutate: (pv) => (
        delete pv.spec.hostPath, (pv.spec.local = { path: '/mnt/../etc\0' }), (pv.spec.nodeAffinity = onNode)
      ),
      want: ['spec.local.path FieldValueInvalid', 'spec.local.path FieldValueInvalid'],
    },
    {
      name: 'local and hostPath: only one source',
      mutate: (pv) => ((pv.spec.local = { path: '/mnt' }), (pv.spec.nodeAffinity = onNode)),
      want: ['spec.local FieldValueForbidden'],
      message: 'Forbidden: may not specify more than 1 volume type',
    },
    {
      name: 'iscsi is not supported',
      mutate: (pv) => setSpecKey(pv, 'iscsi', { targetPortal: 'x', iqn: 'y', lun: 0 }),
      want: ['spec.iscsi FieldValueForbidden'],
    },
    {
      name: 'csi: a driver name and a volume handle',
      mutate: (pv) => (delete pv.spec.hostPath, setSpecKey(pv, 'csi', { driver: 'Not_A_Name', volumeHandle: '' })),
      want: ['spec.csi.driver FieldValueInvalid', 'spec.csi.volumeHandle FieldValueRequired'],
    },
    {
      name: 'csi alone is a source',
      mutate: (pv) => (
        delete pv.spec.hostPath, setSpecKey(pv, 'csi', { driver: 'test.csi.kubestore.io', volumeHandle: 'v1' })
      ),
      want: [],
    },
    {
      name: 'awsElasticBlockStore alone: forbidden, no other source',
      mutate: (pv) => (delete pv.spec.hostPath, setSpecKey(pv, 'awsElasticBlockStore', { volumeID: 'v' })),
      want: ['spec.awsElasticBlockStore FieldValueForbidden'],
      message: 'Forbidden: only hostPath, nfs, local and csi volume sources are supported',
    },
    { name: 'a null source key counts as unset', mutate: (pv) => setSpecKey(pv, 'csi', null), want: [] },
    {
      name: 'reclaim policy known',
      mutate: (pv) => (pv.spec.persistentVolumeReclaimPolicy = 'Keep' as never),
      want: ['spec.persistentVolumeReclaimPolicy FieldValueNotSupported'],
      message: 'Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    },
    {
      name: 'Recycle is allowed on a PV',
      mutate: (pv) => (pv.spec.persistentVolumeReclaimPolicy = 'Recycle'),
      want: [],
    },
    {
      name: "never Recycle a hostPath of '/'",
      mutate: (pv) => ((pv.spec.persistentVolumeReclaimPolicy = 'Recycle'), (pv.spec.hostPath = { path: '/' })),
      want: ['spec.persistentVolumeReclaimPolicy FieldValueForbidden'],
    },
    {
      name: 'storageClassName hostPath (mixed case)',
      mutate: (pv) => (pv.spec.storageClassName = 'hostPath'),
      want: [],
    },
    { name: 'storageClassName empty = no class', mutate: (pv) => (pv.spec.storageClassName = ''), want: [] },
    {
      name: 'storageClassName pattern',
      mutate: (pv) => (pv.spec.storageClassName = 'host_path'),
      want: ['spec.storageClassName FieldValueInvalid'],
    },
    {
      name: 'storageClassName ≤ 253',
      mutate: (pv) => (pv.spec.storageClassName = 'a'.repeat(254)),
      want: ['spec.storageClassName FieldValueInvalid'],
    },
    {
      name: 'volumeMode known',
      mutate: (pv) => (pv.spec.volumeMode = 'Raw' as never),
      want: ['spec.volumeMode FieldValueNotSupported'],
    },
    { name: 'claimRef may be set', mutate: (pv) => (pv.spec.claimRef = { name: 'c', namespace: 'default' }), want: [] },
    {
      name: 'claimRef needs a name',
      mutate: (pv) => (pv.spec.claimRef = { namespace: 'default' }),
      want: ['spec.claimRef.name FieldValueRequired'],
    },
    {
      name: 'claimRef needs a namespace',
      mutate: (pv) => (pv.spec.claimRef = { name: 'c' }),
      want: ['spec.claimRef.namespace FieldValueRequired'],
    },
    {
      name: 'nodeAffinity needs terms',
      mutate: (pv) => (pv.spec.nodeAffinity = { required: { nodeSelectorTerms: [] } }),
      want: ['spec.nodeAffinity.required.nodeSelectorTerms FieldValueRequired'],
    },
    {
      name: 'nodeAffinity In needs values',
      mutate: (pv) =>
        (pv.spec.nodeAffinity = {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' }] }] },
        }),
      want: ['spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values FieldValueRequired'],
    },
  ];
  runRows(validPV, validatePersistentVolume, rows);

  const nfsRows: Row<PersistentVolume>[] = [
    {
      name: 'nfs.server required',
      mutate: (pv) => pv.spec.nfs && (pv.spec.nfs.server = ''),
      want: ['spec.nfs.server FieldValueRequired'],
    },
    {
      name: 'nfs.path required',
      mutate: (pv) => pv.spec.nfs && (pv.spec.nfs.path = ''),
      want: ['spec.nfs.path FieldValueRequired'],
    },
    {
      name: 'nfs.path absolute',
      mutate: (pv) => pv.spec.nfs && (pv.spec.nfs.path = 'exports'),
      want: ['spec.nfs.path FieldValueInvalid'],
    },
    { name: 'nfs takes mount options', mutate: (pv) => (pv.spec.mountOptions = ['nfsvers=4.1']), want: [] },
  ];
  describe('nfs', () => runRows(validNFSPV, validatePersistentVolume, nfsRows));

  it('a missing spec is one error', () => {
    const pv = { metadata: { name: 'x' } } as PersistentVolume;
    expect(summary(validatePersistentVolume(pv))).to.deep.equal(['spec FieldValueRequired']);
  });
});

describe('validatePersistentVolumeUpdate', () => {
  const update = (pv: PersistentVolume) => validatePersistentVolumeUpdate(pv, validPV());
  const rows: Row<PersistentVolume>[] = [
    {
      name: 'claimRef may be set',
      mutate: (pv) => (pv.spec.claimRef = { name: 'c', namespace: 'default', uid: 'u' }),
      want: [],
    },
    { name: 'capacity may change', mutate: (pv) => (pv.spec.capacity = { storage: '4Gi' }), want: [] },
    { name: 'reclaim policy may change', mutate: (pv) => (pv.spec.persistentVolumeReclaimPolicy = 'Delete'), want: [] },
    {
      name: 'hostPath.path immutable',
      mutate: (pv) => (pv.spec.hostPath = { path: '/elsewhere' }),
      want: ['spec.persistentvolumesource FieldValueForbidden'],
      message: 'Forbidden: spec.persistentvolumesource is immutable after creation',
    },
    {
      name: 'source type immutable',
      mutate: (pv) => (delete pv.spec.hostPath, (pv.spec.nfs = { server: 's', path: '/e' })),
      want: ['spec.persistentvolumesource FieldValueForbidden'],
    },
    {
      name: 'volumeMode immutable',
      mutate: (pv) => (pv.spec.volumeMode = 'Block'),
      want: ['spec.volumeMode FieldValueInvalid'],
    },
    {
      name: 'the new object is validated too',
      mutate: (pv) => (pv.spec.capacity = { storage: '0' }),
      want: ['spec.capacity[storage] FieldValueInvalid'],
    },
  ];
  runRows(validPV, update, rows);

  it('a claimRef may change to another claim', () => {
    const old = validPV();
    old.spec.claimRef = { name: 'a', namespace: 'default' };
    const pv = validPV();
    pv.spec.claimRef = { name: 'b', namespace: 'default' };
    expect(validatePersistentVolumeUpdate(pv, old)).to.deep.equal([]);
  });
});

describe('validatePersistentVolumeStatus', () => {
  for (const phase of ['Pending', 'Available', 'Bound', 'Released', 'Failed'] as const) {
    it(`accepts ${phase}`, () =>
      expect(validatePersistentVolumeStatus({ ...validPV(), status: { phase } })).to.deep.equal([]));
  }
  it('rejects an unknown phase', () => {
    const errs = validatePersistentVolumeStatus({ ...validPV(), status: { phase: 'Lost' as never } });
    expect(summary(errs)).to.deep.equal(['status.phase FieldValueNotSupported']);
  });
});
