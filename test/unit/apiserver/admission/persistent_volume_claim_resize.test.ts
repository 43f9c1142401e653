/** The PersistentVolumeClaimResize admission plugin: growth only where the class allows expansion. */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../pkg/api/core/v1';
import { StatusError } from '../../../../pkg/api/errors';
import type { StorageClass } from '../../../../pkg/api/storage/v1';
import {
  admitClaimResize,
  type ResizeAttempt,
  resizeNotAllowedMessage,
} from '../../../../pkg/apiserver/admission/persistent_volume_claim_resize';

function sc(name: string, allowVolumeExpansion?: boolean): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: 'kubestore.io/hostpath',
    ...(allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion }),
  };
}

const classes = new Map([
  ['grow', sc('grow', true)],
  ['fixed', sc('fixed', false)],
  ['unset', sc('unset')],
]);

function claim(storage: string, opts: { className?: string; phase?: 'Bound' | 'Pending' } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: {
      resources: { requests: { storage } },
      ...(opts.className === undefined ? {} : { storageClassName: opts.className }),
    },
    status: { phase: opts.phase ?? 'Bound', capacity: { storage: '1Gi' } },
  };
}

interface Row {
  name: string;
  attempt: ResizeAttempt;
  refused: boolean;
}

const update = (obj: PersistentVolumeClaim, old: PersistentVolumeClaim, subresource?: string): ResizeAttempt => ({
  resource: 'persistentvolumeclaims',
  obj,
  old,
  ...(subresource ? { subresource } : {}),
});

const rows: Row[] = [
  {
    name: 'growth with allowVolumeExpansion: true',
    attempt: update(claim('2Gi', { className: 'grow' }), claim('1Gi', { className: 'grow' })),
    refused: false,
  },
  {
    name: 'growth with allowVolumeExpansion: false',
    attempt: update(claim('2Gi', { className: 'fixed' }), claim('1Gi', { className: 'fixed' })),
    refused: true,
  },
  {
    name: 'growth with allowVolumeExpansion unset',
    attempt: update(claim('2Gi', { className: 'unset' }), claim('1Gi', { className: 'unset' })),
    refused: true,
  },
  {
    name: 'growth of a claim without a class',
    attempt: update(claim('2Gi'), claim('1Gi')),
    refused: true,
  },
  {
    name: 'growth through a class that does not exist',
    attempt: update(claim('2Gi', { className: 'gone' }), claim('1Gi', { className: 'gone' })),
    refused: true,
  },
  {
    name: 'a class change is never a resize (validation refuses it)',
    attempt: update(claim('2Gi', { className: 'grow' }), claim('1Gi', { className: 'fixed' })),
    refused: true,
  },
  {
    name: 'the same size spelled differently',
    attempt: update(claim('1024Mi', { className: 'fixed' }), claim('1Gi', { className: 'fixed' })),
    refused: false,
  },
  {
    name: 'shrinking is validation’s (422) to answer',
    attempt: update(claim('512Mi', { className: 'fixed' }), claim('1Gi', { className: 'fixed' })),
    refused: false,
  },
  {
    name: 'an unbound claim is validation’s (422) to answer',
    attempt: update(
      claim('2Gi', { className: 'fixed', phase: 'Pending' }),
      claim('1Gi', { className: 'fixed', phase: 'Pending' }),
    ),
    refused: false,
  },
  {
    name: 'status writes pass',
    attempt: update(claim('2Gi', { className: 'fixed' }), claim('1Gi', { className: 'fixed' }), 'status'),
    refused: false,
  },
  {
    name: 'creates pass',
    attempt: { resource: 'persistentvolumeclaims', obj: claim('2Gi', { className: 'fixed' }) },
    refused: false,
  },
  {
    name: 'other resources pass',
    attempt: {
      ...update(claim('2Gi', { className: 'fixed' }), claim('1Gi', { className: 'fixed' })),
      resource: 'pods',
    },
    refused: false,
  },
];

describe('admission: PersistentVolumeClaimResize', () => {
  for (const row of rows) {
    it(`${row.refused ? 'refuses' : 'admits'} ${row.name}`, () => {
      let err: unknown;
      try {
        admitClaimResize(row.attempt, (name) => classes.get(name));
      } catch (e) {
        err = e;
      }
      if (!row.refused) {
        expect(err).to.equal(undefined);
        return;
      }
      expect(err).to.be.instanceOf(StatusError);
      const status = (err as StatusError).status;
      expect(status.code).to.equal(403);
      expect(status.reason).to.equal('Forbidden');
      expect(status.message).to.equal(`persistentvolumeclaims "data" is forbidden: ${resizeNotAllowedMessage}`);
    });
  }
});
