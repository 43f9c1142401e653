import { expect } from 'chai';
import type { KubeObject } from '../../../../pkg/api/meta';
import { eventPrinter, leasePrinter, namespacePrinter, nodePrinter } from '../../../../pkg/apiserver/tables/core';
import { humanDuration, translateTimestampSince } from '../../../../pkg/apiserver/tables/duration';
import { includeObjectParam, negotiate } from '../../../../pkg/apiserver/tables/negotiate';
import { podPrinter } from '../../../../pkg/apiserver/tables/pod';
import { toTable } from '../../../../pkg/apiserver/tables/render';
import {
  accessModesString,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
} from '../../../../pkg/apiserver/tables/storage';
import type { TablePrinter } from '../../../../pkg/apiserver/tables/types';

const now = new Date('2026-01-10T12:00:00Z');
/** A creationTimestamp `seconds` before `now`. */
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Cells keyed by upper-cased column name, as kubectl prints the header. */
function row(printer: TablePrinter, obj: unknown): Record<string, unknown> {
  const cells = printer.cells(obj as KubeObject, now);
  expect(cells).to.have.length(printer.columns.length);
  return Object.fromEntries(printer.columns.map((c, i) => [c.name.toUpperCase(), cells[i]]));
}

const headers = (printer: TablePrinter, priority = 0) =>
  printer.columns.filter((c) => c.priority <= priority).map((c) => c.name.toUpperCase());

describe('tables: HumanDuration', () => {
  const cases: [number, string][] = [
    [-5, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [5, '5s'],
    [119, '119s'],
    [120, '2m'],
    [182, '3m2s'],
    [600, '10m'],
    [3 * 3600 - 1, '179m'],
    [3 * 3600, '3h'],
    [4 * 3600 + 10 * 60, '4h10m'],
    [47 * 3600, '47h'],
    [2 * 86400, '2d'],
    [3 * 86400 + 5 * 3600, '3d5h'],
    [30 * 86400, '30d'],
    [3 * 365 * 86400 + 12 * 86400, '3y12d'],
    [9 * 365 * 86400, '9y'],
  ];
  for (const [s, want] of cases) it(`${s}s → ${want}`, () => expect(humanDuration(s * 1000)).to.equal(want));

  it('an unset or unparseable timestamp is <unknown>', () => {
    expect(translateTimestampSince(undefined, now)).to.equal('<unknown>');
    expect(translateTimestampSince('garbage', now)).to.equal('<unknown>');
    expect(translateTimestampSince(ago(65), now)).to.equal('65s');
  });
});

describe('tables: persistent volumes and claims', () => {
  it('abbreviates access modes in kubectl order', () => {
    expect(accessModesString(['ReadWriteMany', 'ReadWriteOncePod', 'ReadWriteOnce', 'ReadOnlyMany'])).to.equal(
      'RWO,ROX,RWX,RWOP',
    );
    expect(accessModesString(undefined)).to.equal('');
  });

  it('PV columns', () => {
    expect(headers(persistentVolumePrinter)).to.deep.equal([
      'NAME',
      'CAPACITY',
      'ACCESS MODES',
      'RECLAIM POLICY',
      'STATUS',
      'CLAIM',
      'STORAGECLASS',
      'REASON',
      'AGE',
    ]);
    expect(headers(persistentVolumePrinter, 1)).to.include('VOLUMEMODE');
    const pv = {
      metadata: { name: 'pv1', creationTimestamp: ago(3 * 86400) },
      spec: {
        capacity: { storage: '5Gi' },
        accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'hostPath',
        claimRef: { namespace: 'default', name: 'c1' },
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    expect(row(persistentVolumePrinter, pv)).to.deep.equal({
      NAME: 'pv1',
      CAPACITY: '5Gi',
      'ACCESS MODES': 'RWO,ROX',
      'RECLAIM POLICY': 'Retain',
      STATUS: 'Bound',
      CLAIM: 'default/c1',
      STORAGECLASS: 'hostPath',
      REASON: '',
      AGE: '3d',
      VOLUMEMODE: 'Filesystem',
    });
  });

  it('a PV being deleted is Terminating; an unset volume mode is <unset>; the beta class annotation wins', () => {
    const pv = {
      metadata: {
        name: 'pv2',
        deletionTimestamp: ago(1),
        annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' },
      },
      spec: { storageClassName: 'new' },
      status: { phase: 'Released', reason: 'Oops' },
    };
    const r = row(persistentVolumePrinter, pv);
    expect(r.STATUS).to.equal('Terminating');
    expect(r.STORAGECLASS).to.equal('old');
    expect(r.VOLUMEMODE).to.equal('<unset>');
    expect(r.REASON).to.equal('Oops');
    expect(r.AGE).to.equal('<unknown>');
  });

  it('PVC columns: capacity and access modes come from status, only once bound', () => {
    expect(headers(persistentVolumeClaimPrinter)).to.deep.equal([
      'NAME',
      'STATUS',
      'VOLUME',
      'CAPACITY',
      'ACCESS MODES',
      'STORAGECLASS',
      'AGE',
    ]);
    const pending = {
      metadata: { name: 'c1', creationTimestamp: ago(30) },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'nfs' },
      status: { phase: 'Pending' },
    };
    expect(row(persistentVolumeClaimPrinter, pending)).to.include({
      NAME: 'c1',
      STATUS: 'Pending',
      VOLUME: '',
      CAPACITY: '',
      'ACCESS MODES': '',
      STORAGECLASS: 'nfs',
      AGE: '30s',
    });
    const bound = {
      ...pending,
      spec: { ...pending.spec, volumeName: 'pv1' },
      status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteMany'] },
    };
    expect(row(persistentVolumeClaimPrinter, bound)).to.include({
      STATUS: 'Bound',
      VOLUME: 'pv1',
      CAPACITY: '2Gi',
      'ACCESS MODES': 'RWO,RWX',
    });
    expect(
      row(persistentVolumeClaimPrinter, { ...bound, metadata: { ...bound.metadata, deletionTimestamp: ago(0) } })
        .STATUS,
    ).to.equal('Terminating');
  });

  it('StorageClass columns and (default)', () => {
    expect(headers(storageClassPrinter)).to.deep.equal([
      'NAME',
      'PROVISIONER',
      'RECLAIMPOLICY',
      'VOLUMEBINDINGMODE',
      'ALLOWVOLUMEEXPANSION',
      'AGE',
    ]);
    const sc = {
      metadata: {
        name: 'fast',
        creationTimestamp: ago(7200),
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'kubestore.io/hostpath',
    };
    expect(row(storageClassPrinter, sc)).to.deep.equal({
      NAME: 'fast (default)',
      PROVISIONER: 'kubestore.io/hostpath',
      RECLAIMPOLICY: 'Delete',
      VOLUMEBINDINGMODE: 'Immediate',
      ALLOWVOLUMEEXPANSION: false,
      AGE: '120m',
    });
    expect(
      row(storageClassPrinter, {
        ...sc,
        metadata: { name: 'slow' },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
    ).to.include({
      NAME: 'slow',
      RECLAIMPOLICY: 'Retain',
      VOLUMEBINDINGMODE: 'WaitForFirstConsumer',
      ALLOWVOLUMEEXPANSION: true,
    });
  });
});

describe('tables: pods', () => {
  const base = (status: object, extra: object = {}) => ({
    metadata: { name: 'p', creationTimestamp: ago(90) },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' },
    status,
    ...extra,
  });
  const running = { state: { running: { startedAt: ago(80) } }, ready: true, restartCount: 0 };

  it('columns, with IP NODE NOMINATED NODE READINESS GATES only for -o wide', () => {
    expect(headers(podPrinter)).to.deep.equal(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(headers(podPrinter, 1)).to.deep.equal([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
  });

  const cases: { name: string; pod: object; want: Record<string, unknown> }[] = [
    {
      name: 'pending, no statuses',
      pod: base({ phase: 'Pending' }, { spec: { containers: [{ name: 'a' }] } }),
      want: { READY: '0/1', STATUS: 'Pending', RESTARTS: '0', IP: '<none>', NODE: '<none>' },
    },
    {
      name: 'ContainerCreating from a waiting reason',
      pod: base({
        phase: 'Pending',
        containerStatuses: [
          { name: 'a', state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0 },
          { name: 'b', ...running },
        ],
      }),
      want: { READY: '1/2', STATUS: 'ContainerCreating' },
    },
    {
      name: 'running and ready, restarts summed with the last restart age',
      pod: base({
        phase: 'Running',
        podIP: '10.0.0.5',
        containerStatuses: [
          { name: 'a', ...running, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(65) } } },
          { name: 'b', ...running, restartCount: 1 },
        ],
      }),
      want: {
        READY: '2/2',
        STATUS: 'Running',
        RESTARTS: '3 (65s ago)',
        IP: '10.0.0.5',
        NODE: 'n1',
        'NOMINATED NODE': '<none>',
        'READINESS GATES': '<none>',
      },
    },
    {
      name: 'CrashLoopBackOff',
      pod: base({
        phase: 'Running',
        containerStatuses: [
          { name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } }, ready: false, restartCount: 4 },
          { name: 'b', ...running },
        ],
      }),
      want: { READY: '1/2', STATUS: 'CrashLoopBackOff', RESTARTS: '4' },
    },
    {
      name: 'Completed',
      pod: base(
        {
          phase: 'Succeeded',
          containerStatuses: [
            { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } }, ready: false, restartCount: 0 },
          ],
        },
        { spec: { containers: [{ name: 'a' }] } },
      ),
      want: { READY: '0/1', STATUS: 'Completed' },
    },
    {
      name: 'Error exit without a reason shows the exit code',
      pod: base(
        {
          phase: 'Failed',
          containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } }, ready: false, restartCount: 0 }],
        },
        { spec: { containers: [{ name: 'a' }] } },
      ),
      want: { STATUS: 'ExitCode:3' },
    },
    {
      name: 'Terminating once deletionTimestamp is set',
      pod: base(
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ...running },
            { name: 'b', ...running },
          ],
        },
        { metadata: { name: 'p', deletionTimestamp: ago(1) } },
      ),
      want: { STATUS: 'Terminating', READY: '2/2' },
    },
    {
      name: 'pod-level reason wins over phase',
      pod: base({ phase: 'Failed', reason: 'Evicted' }),
      want: { STATUS: 'Evicted' },
    },
    {
      name: 'init containers in progress',
      pod: base(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', state: { terminated: { exitCode: 0 } }, ready: false, restartCount: 0 },
            { name: 'i2', state: { running: {} }, ready: false, restartCount: 0 },
          ],
        },
        { spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }, { name: 'i2' }] } },
      ),
      want: { STATUS: 'Init:1/2' },
    },
    {
      name: 'readiness gates',
      pod: base(
        { phase: 'Running', conditions: [{ type: 'g1', status: 'True' }] },
        { spec: { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'g1' }, { conditionType: 'g2' }] } },
      ),
      want: { 'READINESS GATES': '1/2' },
    },
  ];
  for (const c of cases) it(c.name, () => expect(row(podPrinter, c.pod)).to.include(c.want));

  it('marks succeeded pods Completed in row conditions', () => {
    expect(podPrinter.conditions?.(base({ phase: 'Succeeded' }) as unknown as KubeObject)?.[0]).to.include({
      type: 'Completed',
      status: 'True',
    });
    expect(podPrinter.conditions?.(base({ phase: 'Running' }) as unknown as KubeObject)).to.equal(undefined);
  });
});

describe('tables: nodes, namespaces, events, leases', () => {
  it('Node: status, roles, version and wide columns', () => {
    expect(headers(nodePrinter)).to.deep.equal(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const node = {
      metadata: {
        name: 'n1',
        creationTimestamp: ago(600),
        labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.1.1.1' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian' },
      },
    };
    expect(row(nodePrinter, node)).to.deep.equal({
      NAME: 'n1',
      STATUS: 'Ready,SchedulingDisabled',
      ROLES: 'control-plane,worker',
      AGE: '10m',
      VERSION: 'v1.32.0',
      'INTERNAL-IP': '10.1.1.1',
      'EXTERNAL-IP': '<none>',
      'OS-IMAGE': 'Debian',
      'KERNEL-VERSION': '<unknown>',
      'CONTAINER-RUNTIME': '<unknown>',
    });
    expect(row(nodePrinter, { metadata: { name: 'n2' } })).to.include({ STATUS: 'Unknown', ROLES: '<none>' });
    expect(
      row(nodePrinter, { metadata: { name: 'n3' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } })
        .STATUS,
    ).to.equal('NotReady');
  });

  it('Namespace and Lease', () => {
    expect(
      row(namespacePrinter, { metadata: { name: 'default', creationTimestamp: ago(5) }, status: { phase: 'Active' } }),
    ).to.deep.equal({ NAME: 'default', STATUS: 'Active', AGE: '5s' });
    expect(
      row(leasePrinter, { metadata: { name: 'n1', creationTimestamp: ago(5) }, spec: { holderIdentity: 'n1' } }),
    ).to.deep.equal({ NAME: 'n1', HOLDER: 'n1', AGE: '5s' });
  });

  it('Event: LAST SEEN TYPE REASON OBJECT MESSAGE, count defaults to 1', () => {
    expect(headers(eventPrinter)).to.deep.equal(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const ev = {
      metadata: { name: 'c1.abc' },
      involvedObject: { kind: 'PersistentVolumeClaim', name: 'c1', fieldPath: '' },
      reason: 'ProvisioningFailed',
      type: 'Warning',
      message: ' no class \n',
      firstTimestamp: ago(600),
      lastTimestamp: ago(30),
      source: { component: 'persistentvolume-controller', host: 'h1' },
    };
    expect(row(eventPrinter, ev)).to.deep.equal({
      'LAST SEEN': '30s',
      TYPE: 'Warning',
      REASON: 'ProvisioningFailed',
      OBJECT: 'persistentvolumeclaim/c1',
      SUBOBJECT: '',
      SOURCE: 'persistentvolume-controller, h1',
      MESSAGE: 'no class',
      'FIRST SEEN': '10m',
      COUNT: 1,
      NAME: 'c1.abc',
    });
    expect(row(eventPrinter, { ...ev, lastTimestamp: undefined, count: 4 })).to.include({
      'LAST SEEN': '10m',
      COUNT: 4,
    });
  });
});

describe('tables: Table documents and negotiation', () => {
  const list = {
    apiVersion: 'v1',
    kind: 'NamespaceList',
    metadata: { resourceVersion: '42', continue: 'tok' },
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { x: 'y' } }, status: { phase: 'Active' } },
    ],
  };

  it('a list becomes a Table with the list metadata and PartialObjectMetadata rows', () => {
    const t = toTable(namespacePrinter, list, { version: 'v1', includeObject: 'Metadata', now });
    expect(t).to.include({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.metadata).to.deep.equal({ resourceVersion: '42', continue: 'tok' });
    expect(t.columnDefinitions.map((c) => Object.keys(c).sort())[0]).to.deep.equal([
      'description',
      'format',
      'name',
      'priority',
      'type',
    ]);
    expect(t.rows[0]?.cells).to.deep.equal(['a', 'Active', '<unknown>']);
    expect(t.rows[0]?.object).to.deep.equal({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: { name: 'a', labels: { x: 'y' } },
    });
  });

  it('includeObject=Object embeds the object, None omits it; noHeaders drops the columns', () => {
    expect(
      toTable(namespacePrinter, list, { version: 'v1beta1', includeObject: 'Object', now }).rows[0]?.object,
    ).to.deep.equal(list.items[0]);
    const t = toTable(namespacePrinter, list.items[0] as KubeObject, {
      version: 'v1beta1',
      includeObject: 'None',
      noHeaders: true,
      now,
    });
    expect(t.apiVersion).to.equal('meta.k8s.io/v1beta1');
    expect(t.columnDefinitions).to.deep.equal([]);
    expect(t.rows[0]).to.not.have.property('object');
    expect(() => includeObjectParam('Bogus')).to.throw(/unrecognized includeObject/);
  });

  it('negotiates kubectl get’s Accept header', () => {
    expect(
      negotiate(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).to.deep.equal({ as: 'Table', version: 'v1' });
    expect(
      negotiate('application/json;as=Table;v=v2;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io'),
    ).to.deep.equal({ as: 'Table', version: 'v1beta1' });
    expect(negotiate('application/json')).to.deep.equal({ as: 'Object' });
    expect(negotiate(undefined)).to.deep.equal({ as: 'Object' });
    expect(negotiate('application/vnd.kubernetes.protobuf, */*')).to.deep.equal({ as: 'Object' });
    expect(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')).to.deep.equal({
      as: 'PartialObjectMetadata',
      version: 'v1',
    });
    expect(() => negotiate('application/json;as=Table;v=v9;g=meta.k8s.io')).to.throw(/only the following media types/);
  });
});
