import { expect } from 'chai';
import type { ControllerRevision, StatefulSet } from '../../../../pkg/api/apps/v1';
import { defaultStatefulSet } from '../../../../pkg/api/defaults';
import {
  statefulSetUpdateForbiddenMessage,
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from '../../../../pkg/api/validation';
import { type Row, runRows, summary } from './fixtures';

/** A defaulted, valid set: web, 3 replicas, one container mounting the claim template `data`. */
function validStatefulSet(): StatefulSet {
  return defaultStatefulSet({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web',
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'db' } },
        spec: {
          containers: [{ name: 'web', image: 'busybox:latest', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'local-wffc',
            resources: { requests: { storage: '100Mi' } },
          },
        },
      ],
    },
  });
}

/** The pod template's spec (present by construction). */
function podSpec(s: StatefulSet) {
  return s.spec.template.spec;
}

describe('validateStatefulSet', () => {
  const rows: Row<StatefulSet>[] = [
    {
      name: 'name is a DNS label (its pods are <name>-<ordinal>)',
      mutate: (s) => (s.metadata.name = 'web.v1'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'selector required',
      mutate: (s) => delete (s.spec as Partial<StatefulSet['spec']>).selector,
      want: ['spec.selector FieldValueRequired'],
    },
    {
      name: 'an empty selector is invalid',
      mutate: (s) => (s.spec.selector = {}),
      want: ['spec.selector FieldValueInvalid'],
      message: 'Invalid value: {}: empty selector is invalid for statefulset',
    },
    {
      name: 'selector must match the template labels',
      mutate: (s) => (s.spec.selector = { matchLabels: { app: 'other' } }),
      want: ['spec.template.metadata.labels FieldValueInvalid'],
      message: 'Invalid value: {"app":"web","tier":"db"}: `selector` does not match template `labels`',
    },
    {
      name: 'a selector expression must match too',
      mutate: (s) => (s.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }),
      want: ['spec.template.metadata.labels FieldValueInvalid'],
    },
    {
      name: 'a malformed selector is reported at the selector, not as a mismatch',
      mutate: (s) => (s.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In' }] }),
      want: ['spec.selector.matchExpressions[0].values FieldValueRequired'],
    },
    {
      name: 'replicas >= 0',
      mutate: (s) => (s.spec.replicas = -1),
      want: ['spec.replicas FieldValueInvalid'],
      message: 'Invalid value: -1: must be greater than or equal to 0',
    },
    {
      name: 'replicas an integer',
      mutate: (s) => (s.spec.replicas = 1.5),
      want: ['spec.replicas FieldValueInvalid'],
    },
    {
      name: 'replicas fit an int32 (a Scale write skips the decoder)',
      mutate: (s) => (s.spec.replicas = 2 ** 53),
      want: ['spec.replicas FieldValueInvalid'],
      message: 'Invalid value: 9007199254740992: must be less than or equal to 2147483647',
    },
    {
      name: 'ordinals.start fits an int32',
      mutate: (s) => (s.spec.ordinals = { start: 2 ** 31 }),
      want: ['spec.ordinals.start FieldValueInvalid'],
    },
    {
      name: 'a name that leaves no room for `-<ordinal>` in a 63-character pod hostname',
      mutate: (s) => (s.metadata.name = 'w'.repeat(62)),
      want: ['metadata.name FieldValueInvalid'],
      message: `Invalid value: "${'w'.repeat(62)}": must be no more than 61 characters: its pods are named ${'w'.repeat(62)}-<ordinal>, and a pod's hostname and statefulset.kubernetes.io/pod-name label are at most 63 characters`,
    },
    {
      name: 'replicas whose highest ordinal makes a pod name longer than 63 characters',
      mutate: (s) => {
        s.metadata.name = 'w'.repeat(61);
        s.spec.replicas = 11;
      },
      want: ['spec.replicas FieldValueInvalid'],
      message: `Invalid value: 11: pod ${'w'.repeat(61)}-10 would have a name longer than 63 characters (a pod's hostname and statefulset.kubernetes.io/pod-name label)`,
    },
    {
      name: 'ordinals.start >= 0',
      mutate: (s) => (s.spec.ordinals = { start: -2 }),
      want: ['spec.ordinals.start FieldValueInvalid'],
    },
    {
      name: 'minReadySeconds >= 0',
      mutate: (s) => (s.spec.minReadySeconds = -1),
      want: ['spec.minReadySeconds FieldValueInvalid'],
    },
    {
      name: 'podManagementPolicy is OrderedReady or Parallel',
      mutate: (s) => (s.spec.podManagementPolicy = 'Random' as never),
      want: ['spec.podManagementPolicy FieldValueInvalid'],
      message: `Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
    },
    {
      name: 'updateStrategy type is RollingUpdate or OnDelete',
      mutate: (s) => (s.spec.updateStrategy = { type: 'Recreate' as never }),
      want: ['spec.updateStrategy FieldValueInvalid'],
    },
    {
      name: 'OnDelete takes no rollingUpdate',
      mutate: (s) => (s.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 0 } }),
      want: ['spec.updateStrategy.rollingUpdate FieldValueInvalid'],
    },
    {
      name: 'partition >= 0',
      mutate: (s) => (s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }),
      want: ['spec.updateStrategy.rollingUpdate.partition FieldValueInvalid'],
    },
    {
      name: 'maxUnavailable cannot be 0%',
      mutate: (s) => (s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%' } }),
      want: ['spec.updateStrategy.rollingUpdate.maxUnavailable FieldValueInvalid'],
      message: 'Invalid value: "0%": cannot be 0',
    },
    {
      name: 'maxUnavailable is not more than 100%',
      mutate: (s) => (s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } }),
      want: ['spec.updateStrategy.rollingUpdate.maxUnavailable FieldValueInvalid'],
      message: 'Invalid value: "150%": must not be greater than 100%',
    },
    {
      name: 'maxUnavailable as a number fits an int32',
      mutate: (s) => (s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 ** 53 } }),
      want: ['spec.updateStrategy.rollingUpdate.maxUnavailable FieldValueInvalid'],
    },
    {
      name: 'retention policies are Retain or Delete',
      mutate: (s) =>
        (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep' as never, whenScaled: 'Delete' }),
      want: ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted FieldValueNotSupported'],
      message: 'Unsupported value: "Keep": supported values: "Retain", "Delete"',
    },
    {
      name: 'the template restartPolicy must be Always',
      mutate: (s) => (podSpec(s).restartPolicy = 'Never'),
      want: ['spec.template.spec.restartPolicy FieldValueNotSupported'],
    },
    {
      name: 'the template takes no activeDeadlineSeconds',
      mutate: (s) => (podSpec(s).activeDeadlineSeconds = 30),
      want: ['spec.template.spec.activeDeadlineSeconds FieldValueForbidden'],
    },
    {
      name: 'template containers are validated as a pod’s are',
      mutate: (s) => {
        const c = podSpec(s).containers[0];
        if (c) c.image = '';
      },
      want: ['spec.template.spec.containers[0].image FieldValueRequired'],
    },
    {
      name: 'containers required',
      mutate: (s) => (podSpec(s).containers = []),
      want: ['spec.template.spec.containers FieldValueRequired'],
    },
    {
      name: 'a mount must name a template volume or a claim template',
      mutate: (s) => podSpec(s).containers[0]?.volumeMounts?.push({ name: 'logs', mountPath: '/logs' }),
      want: ['spec.template.spec.containers[0].volumeMounts[1].name FieldValueNotFound'],
    },
    {
      name: 'template volumes are PVC-only, as pods’',
      mutate: (s) => (podSpec(s).volumes = [{ name: 'scratch', emptyDir: {} }]),
      want: ['spec.template.spec.volumes[0].emptyDir FieldValueForbidden'],
    },
    {
      name: 'claim template name required',
      mutate: (s) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) t.metadata = {};
      },
      want: [
        'spec.volumeClaimTemplates[0].metadata.name FieldValueRequired',
        'spec.template.spec.containers[0].volumeMounts[0].name FieldValueNotFound',
      ],
    },
    {
      name: 'claim template names unique',
      mutate: (s) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) s.spec.volumeClaimTemplates?.push(structuredClone(t));
      },
      want: ['spec.volumeClaimTemplates[1].metadata.name FieldValueDuplicate'],
    },
    {
      name: 'claim template spec validated as a claim’s (storage request > 0)',
      mutate: (s) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) t.spec = { ...t.spec, resources: { requests: { storage: '0' } } };
      },
      want: ['spec.volumeClaimTemplates[0].spec.resources[storage] FieldValueInvalid'],
    },
    {
      name: 'claim template annotations are valid annotations (each claim gets them)',
      mutate: (s) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) t.metadata = { ...t.metadata, annotations: { 'not a key': 'x' } };
      },
      want: ['spec.volumeClaimTemplates[0].metadata.annotations FieldValueInvalid'],
    },
    {
      name: 'claim template access modes known',
      mutate: (s) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) t.spec = { ...t.spec, accessModes: ['ReadWriteSometimes' as never] };
      },
      want: ['spec.volumeClaimTemplates[0].spec.accessModes FieldValueNotSupported'],
    },
  ];
  runRows(validStatefulSet, validateStatefulSet, rows);
});

describe('validateStatefulSetUpdate', () => {
  const update = (mutate: (s: StatefulSet) => void) => {
    const old = validStatefulSet();
    const next = structuredClone(old);
    mutate(next);
    return validateStatefulSetUpdate(next, old);
  };

  it('allows replicas, ordinals, template, updateStrategy, revisionHistoryLimit, retention policy and minReadySeconds', () => {
    expect(
      update((s) => {
        s.spec.replicas = 5;
        s.spec.ordinals = { start: 1 };
        const c = s.spec.template.spec.containers[0];
        if (c) c.image = 'busybox:v2';
        s.spec.updateStrategy = { type: 'OnDelete' };
        s.spec.revisionHistoryLimit = 3;
        s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' };
        s.spec.minReadySeconds = 10;
      }),
    ).to.deep.equal([]);
  });

  for (const [field, mutate] of [
    ['serviceName', (s: StatefulSet) => (s.spec.serviceName = 'other')],
    ['podManagementPolicy', (s: StatefulSet) => (s.spec.podManagementPolicy = 'Parallel')],
    ['selector', (s: StatefulSet) => (s.spec.selector = { matchLabels: { tier: 'db' } })],
    [
      'volumeClaimTemplates',
      (s: StatefulSet) => {
        const t = s.spec.volumeClaimTemplates?.[0];
        if (t) t.spec = { ...t.spec, resources: { requests: { storage: '1Gi' } } };
      },
    ],
  ] as const) {
    it(`forbids changing ${field}, in Kubernetes' words`, () => {
      const errs = update(mutate);
      expect(summary(errs)).to.deep.equal(['spec FieldValueForbidden']);
      expect(errs[0]?.message).to.equal(`Forbidden: ${statefulSetUpdateForbiddenMessage}`);
    });
  }

  it('still validates the new spec', () => {
    expect(summary(update((s) => (s.spec.replicas = -1)))).to.deep.equal(['spec.replicas FieldValueInvalid']);
  });
});

describe('validateStatefulSetStatusUpdate', () => {
  const withStatus = (status: StatefulSet['status'], oldStatus?: StatefulSet['status']) => {
    const old = { ...validStatefulSet(), ...(oldStatus ? { status: oldStatus } : {}) };
    return summary(validateStatefulSetStatusUpdate({ ...old, ...(status ? { status } : {}) }, old));
  };

  it('accepts consistent counts', () => {
    expect(
      withStatus({ replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 3, updatedReplicas: 1 }),
    ).to.deep.equal([]);
  });
  it('counts are >= 0', () => {
    expect(withStatus({ replicas: -1 })).to.deep.equal(['status.replicas FieldValueInvalid']);
  });
  it('no count above status.replicas; available not above ready', () => {
    expect(withStatus({ replicas: 1, readyReplicas: 2, availableReplicas: 2 })).to.deep.equal([
      'status.readyReplicas FieldValueInvalid',
      'status.availableReplicas FieldValueInvalid',
    ]);
    expect(withStatus({ replicas: 3, readyReplicas: 1, availableReplicas: 2 })).to.deep.equal([
      'status.availableReplicas FieldValueInvalid',
    ]);
  });
  it('collisionCount is never decremented', () => {
    expect(withStatus({ replicas: 0, collisionCount: 1 }, { replicas: 0, collisionCount: 2 })).to.deep.equal([
      'status.collisionCount FieldValueInvalid',
    ]);
  });
});

describe('validateControllerRevision', () => {
  const valid = (): ControllerRevision => ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: 'web-7d4b9c', namespace: 'default' },
    data: { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox' }] } } } },
    revision: 1,
  });
  runRows(valid, validateControllerRevision, [
    { name: 'data required', mutate: (r) => delete r.data, want: ['data FieldValueRequired'] },
    { name: 'revision >= 0', mutate: (r) => (r.revision = -1), want: ['revision FieldValueInvalid'] },
    {
      name: 'name a DNS subdomain',
      mutate: (r) => (r.metadata.name = 'Web'),
      want: ['metadata.name FieldValueInvalid'],
    },
  ]);

  it('an update may renumber the revision but not change its data', () => {
    const old = valid();
    expect(validateControllerRevisionUpdate({ ...old, revision: 4 }, old)).to.deep.equal([]);
    const errs = validateControllerRevisionUpdate({ ...old, data: { spec: {} } }, old);
    expect(summary(errs)).to.deep.equal(['data FieldValueInvalid']);
    expect(errs[0]?.message).to.contain('field is immutable');
  });
});
