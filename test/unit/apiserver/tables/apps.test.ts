import { expect } from 'chai';
import type { ControllerRevision, StatefulSet } from '../../../../pkg/api/apps/v1';
import { controllerRevisionPrinter, statefulSetPrinter } from '../../../../pkg/apiserver/tables/apps';

const now = new Date('2026-01-10T12:00:00Z');

describe('tables: StatefulSet and ControllerRevision', () => {
  it('StatefulSet: NAME READY AGE, wide adds CONTAINERS IMAGES; READY is readyReplicas/spec.replicas', () => {
    expect(statefulSetPrinter.columns.map((c) => [c.name, c.priority])).to.deep.equal([
      ['Name', 0],
      ['Ready', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
    ]);
    const sts: StatefulSet = {
      metadata: { name: 'web', creationTimestamp: '2026-01-10T11:55:00Z' },
      spec: {
        replicas: 3,
        selector: {},
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'busybox:latest' },
              { name: 'side', image: 'busybox:1' },
            ],
          },
        },
      },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(statefulSetPrinter.cells(sts, now)).to.deep.equal([
      'web',
      '2/3',
      '5m',
      'web,side',
      'busybox:latest,busybox:1',
    ]);
    const fresh: StatefulSet = { ...sts, status: { replicas: 0 } };
    expect(statefulSetPrinter.cells(fresh, now)[1]).to.equal('0/3');
  });

  it('ControllerRevision: NAME CONTROLLER REVISION AGE, the controller as kind.group/name', () => {
    const rev: ControllerRevision = {
      metadata: {
        name: 'web-5d8f',
        creationTimestamp: '2026-01-10T10:00:00Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }],
      },
      revision: 2,
    };
    expect(controllerRevisionPrinter.cells(rev, now)).to.deep.equal(['web-5d8f', 'statefulset.apps/web', 2, '120m']);
    expect(controllerRevisionPrinter.cells({ ...rev, metadata: { name: 'x' } }, now)[1]).to.equal('<none>');
  });
});
