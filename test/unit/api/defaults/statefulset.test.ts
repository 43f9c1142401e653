import { expect } from 'chai';
import type { StatefulSet } from '../../../../pkg/api/apps/v1';
import { defaultStatefulSet } from '../../../../pkg/api/defaults';

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}

const bare = (): StatefulSet => ({
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }],
  },
});

describe('defaultStatefulSet', () => {
  it('fills the apps/v1 defaults, the pod template’s and the claim templates’, without mutating its input', () => {
    const sts = defaultStatefulSet(deepFreeze(bare()));
    expect(sts.spec).to.deep.include({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(sts.spec.template.spec).to.deep.include({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      dnsPolicy: 'ClusterFirst',
    });
    expect(sts.spec.template.spec.containers[0]).to.deep.include({ imagePullPolicy: 'IfNotPresent' });
    expect(sts.spec.volumeClaimTemplates?.[0]).to.deep.include({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      status: { phase: 'Pending' },
    });
    expect(sts.spec.volumeClaimTemplates?.[0]?.spec).to.deep.include({
      volumeMode: 'Filesystem',
      accessModes: ['ReadWriteOnce'],
    });
  });

  it('keeps what the client set; OnDelete gets no rollingUpdate', () => {
    const input = bare();
    input.spec = {
      ...input.spec,
      replicas: 0,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      revisionHistoryLimit: 2,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
    };
    const sts = defaultStatefulSet(deepFreeze(input));
    expect(sts.spec).to.deep.include({
      replicas: 0,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      revisionHistoryLimit: 2,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
  });

  it('a RollingUpdate without a partition gets partition 0, keeping the rest', () => {
    const input = bare();
    input.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } };
    expect(defaultStatefulSet(input).spec.updateStrategy).to.deep.equal({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 2, partition: 0 },
    });
  });

  it('is idempotent', () => {
    const once = defaultStatefulSet(bare());
    expect(defaultStatefulSet(once)).to.deep.equal(once);
  });
});
