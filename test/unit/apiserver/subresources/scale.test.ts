import { expect } from 'chai';
import type { StatefulSet } from '../../../../pkg/api/apps/v1';
import { formatLabelSelector } from '../../../../pkg/api/labels';
import { scaleOf } from '../../../../pkg/apiserver/subresources/scale';

describe('scale subresource: StatefulSet → autoscaling/v1 Scale', () => {
  it('takes spec.replicas, status.replicas and the selector in string form, and the identifying metadata only', () => {
    const sts: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name: 'web',
        namespace: 'db',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { a: 'b' },
        generation: 3,
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [] } },
      },
      status: { replicas: 2, readyReplicas: 1 },
    };
    expect(scaleOf(sts)).to.deep.equal({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: 'web',
        namespace: 'db',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web' },
    });
  });

  it('a set without status scales from 0 observed replicas', () => {
    const s = scaleOf({
      metadata: { name: 'x' },
      spec: { replicas: 1, selector: {}, template: { spec: { containers: [] } } },
    } as StatefulSet);
    expect(s.status).to.deep.equal({ replicas: 0, selector: '' });
  });
});

describe('formatLabelSelector (LabelSelectorAsSelector(...).String())', () => {
  it('sorts requirements by key and prints each operator as apimachinery does', () => {
    expect(
      formatLabelSelector({
        matchLabels: { tier: 'db', app: 'web' },
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['b', 'a'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'gpu', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).to.equal('app=web,env notin (dev),gpu,!legacy,tier=db,zone in (a,b)');
  });
  it('an empty or absent selector is the empty string', () => {
    expect(formatLabelSelector(undefined)).to.equal('');
    expect(formatLabelSelector({})).to.equal('');
  });
});
