/** Printers of Namespace, Node, Event and Lease (as kubectl's server-side printers). */
import type { Event, Namespace, Node } from '../../api/core/v1';
import type { Lease } from '../../api/coordination/v1';
import { translateTimestampSince } from './duration';
import { ageColumn, column, nameColumn, type TablePrinter } from './types';

/** Namespace: NAME STATUS AGE. */
export const namespacePrinter: TablePrinter = {
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  cells(obj, now) {
    const ns = obj as Namespace;
    return [
      ns.metadata.name ?? '',
      ns.status?.phase ?? '',
      translateTimestampSince(ns.metadata.creationTimestamp, now),
    ];
  },
};

const nodeRolePrefix = 'node-role.kubernetes.io/';

/** Roles from `node-role.kubernetes.io/<role>` labels and the legacy `kubernetes.io/role` label, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(nodeRolePrefix) && k.length > nodeRolePrefix.length) roles.add(k.slice(nodeRolePrefix.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** "Ready", "NotReady", "Unknown", plus ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

/** Node: NAME STATUS ROLES AGE VERSION (+INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME). */
export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', {
      priority: 1,
    }),
    column('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', {
      priority: 1,
    }),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', {
      priority: 1,
    }),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", {
      priority: 1,
    }),
    column(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      { priority: 1 },
    ),
  ],
  cells(obj, now) {
    const node = obj as Node;
    const roles = nodeRoles(node.metadata.labels).join(',');
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      roles || '<none>',
      translateTimestampSince(node.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

interface EventExtras {
  series?: { count?: number; lastObservedTime?: string };
  reportingController?: string;
}

/** Event: LAST SEEN TYPE REASON OBJECT MESSAGE (+SUBOBJECT SOURCE FIRST SEEN COUNT NAME). */
export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    column(
      'Reason',
      'This should be a short, machine understandable string that gives the reason for this event being generated.',
    ),
    column('Object', 'The object this Event is about.'),
    column(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      { priority: 1 },
    ),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', {
      priority: 1,
    }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', {
      priority: 1,
    }),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    column('Name', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
  ],
  cells(obj, now) {
    const ev = obj as Event & EventExtras;
    const first = ev.firstTimestamp
      ? translateTimestampSince(ev.firstTimestamp, now)
      : translateTimestampSince(ev.eventTime, now);
    let last = ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = translateTimestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) count = 1;
    const io = ev.involvedObject ?? {};
    const target = io.name ? `${(io.kind ?? '').toLowerCase()}/${io.name}` : (io.kind ?? '').toLowerCase();
    const component = ev.source?.component || ev.reportingController || ev.reportingComponent || '';
    const host = ev.source?.host || ev.reportingInstance || '';
    return [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      io.fieldPath ?? '',
      host ? `${component}, ${host}` : component,
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ];
  },
};

/** Lease: NAME HOLDER AGE. */
export const leasePrinter: TablePrinter = {
  columns: [nameColumn, column('Holder', 'The holder of the lease'), ageColumn],
  cells(obj, now) {
    const lease = obj as Lease;
    return [
      lease.metadata.name ?? '',
      lease.spec?.holderIdentity ?? '',
      translateTimestampSince(lease.metadata.creationTimestamp, now),
    ];
  },
};
