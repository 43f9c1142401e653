import type { Lease } from '../../../../pkg/api/coordination/v1';
import type { Event, Namespace, Node } from '../../../../pkg/api/core/v1';
import { validateEvent, validateLease, validateNamespace, validateNode } from '../../../../pkg/api/validation';
import { type Row, runRows, validEvent, validLease, validNamespace, validNode } from './fixtures';

describe('validateNamespace', () => {
  const rows: Row<Namespace>[] = [
    {
      name: 'name is a DNS label (no dots)',
      mutate: (ns) => (ns.metadata.name = 'team.a'),
      want: ['metadata.name FieldValueInvalid'],
      message: 'Invalid value: "team.a": must not contain dots',
    },
    {
      name: 'name is lower case',
      mutate: (ns) => (ns.metadata.name = 'TeamA'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'spec.finalizers qualified names',
      mutate: (ns) => (ns.spec = { finalizers: ['bad finalizer'] }),
      want: ['spec.finalizers[0] FieldValueInvalid'],
    },
    { name: 'phase Terminating', mutate: (ns) => (ns.status = { phase: 'Terminating' }), want: [] },
    {
      name: 'phase known',
      mutate: (ns) => (ns.status = { phase: 'Gone' as never }),
      want: ['status.phase FieldValueNotSupported'],
    },
  ];
  runRows(validNamespace, validateNamespace, rows);
});

describe('validateNode', () => {
  const rows: Row<Node>[] = [
    {
      name: 'name is a DNS subdomain',
      mutate: (n) => (n.metadata.name = 'Node_1'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'capacity quantities parse',
      mutate: (n) => n.status && (n.status.capacity = { cpu: 'two' }),
      want: ['status.capacity[cpu] FieldValueInvalid'],
    },
    {
      name: 'allocatable quantities ≥ 0',
      mutate: (n) => n.status && (n.status.allocatable = { memory: '-1Gi' }),
      want: ['status.allocatable[memory] FieldValueInvalid'],
    },
    {
      name: 'condition type required',
      mutate: (n) => n.status && (n.status.conditions = [{ type: '', status: 'True' }]),
      want: ['status.conditions[0].type FieldValueRequired'],
    },
    {
      name: 'condition status known',
      mutate: (n) => n.status && (n.status.conditions = [{ type: 'Ready', status: 'Yes' as never }]),
      want: ['status.conditions[0].status FieldValueNotSupported'],
    },
    {
      name: 'address type known',
      mutate: (n) => n.status && (n.status.addresses = [{ type: 'PublicIP' as never, address: '1.2.3.4' }]),
      want: ['status.addresses[0].type FieldValueNotSupported'],
    },
    {
      name: 'kubelet port in range',
      mutate: (n) => n.status && (n.status.daemonEndpoints = { kubeletEndpoint: { Port: 70000 } }),
      want: ['status.daemonEndpoints.kubeletEndpoint.Port FieldValueInvalid'],
    },
    { name: 'no status yet', mutate: (n) => delete n.status, want: [] },
  ];
  runRows(validNode, validateNode, rows);
});

describe('validateEvent', () => {
  const rows: Row<Event>[] = [
    {
      name: 'involvedObject required',
      mutate: (e) => delete (e as Partial<Event>).involvedObject,
      want: ['involvedObject FieldValueRequired'],
    },
    {
      name: 'involvedObject.name required',
      mutate: (e) => delete e.involvedObject.name,
      want: ['involvedObject.name FieldValueRequired'],
    },
    {
      name: 'namespace must match involvedObject.namespace',
      mutate: (e) => (e.involvedObject.namespace = 'other'),
      want: ['involvedObject.namespace FieldValueInvalid'],
      message: 'Invalid value: "other": does not match event.namespace',
    },
    {
      name: 'cluster-scoped object: event in default',
      mutate: (e) => ((e.involvedObject = { kind: 'PersistentVolume', name: 'pv-1' }), (e.metadata.name = 'pv-1.abc')),
      want: [],
    },
    {
      name: 'cluster-scoped object: event elsewhere',
      mutate: (e) => (
        (e.involvedObject = { kind: 'PersistentVolume', name: 'pv-1' }), (e.metadata.namespace = 'team-a')
      ),
      want: ['involvedObject.namespace FieldValueInvalid'],
    },
    {
      name: 'events about mixed-case objects (hostPath class)',
      mutate: (e) => (e.metadata.name = 'hostPath.17a3b'),
      want: [],
    },
    { name: 'name pattern', mutate: (e) => (e.metadata.name = 'a_b'), want: ['metadata.name FieldValueInvalid'] },
    { name: 'type known', mutate: (e) => (e.type = 'Error' as never), want: ['type FieldValueNotSupported'] },
    { name: 'count ≥ 0', mutate: (e) => (e.count = -1), want: ['count FieldValueInvalid'] },
  ];
  runRows(validEvent, validateEvent, rows);
});

describe('validateLease', () => {
  const rows: Row<Lease>[] = [
    {
      name: 'name is a DNS subdomain',
      mutate: (l) => (l.metadata.name = 'Node-1'),
      want: ['metadata.name FieldValueInvalid'],
    },
    {
      name: 'leaseDurationSeconds > 0',
      mutate: (l) => l.spec && (l.spec.leaseDurationSeconds = 0),
      want: ['spec.leaseDurationSeconds FieldValueInvalid'],
      message: 'Invalid value: 0: must be greater than 0',
    },
    { name: 'leaseDurationSeconds optional', mutate: (l) => l.spec && delete l.spec.leaseDurationSeconds, want: [] },
    {
      name: 'leaseTransitions ≥ 0',
      mutate: (l) => l.spec && (l.spec.leaseTransitions = -1),
      want: ['spec.leaseTransitions FieldValueInvalid'],
    },
    { name: 'holderIdentity may be cleared', mutate: (l) => l.spec && (l.spec.holderIdentity = null), want: [] },
  ];
  runRows(validLease, validateLease, rows);
});
