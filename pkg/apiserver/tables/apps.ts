/** Printers of StatefulSet and ControllerRevision (as kubectl's server-side printers). */
import type { ControllerRevision, StatefulSet } from '../../api/apps/v1';
import { translateTimestampSince } from './duration';
import { ageColumn, column, nameColumn, type TablePrinter } from './types';

/** StatefulSet: NAME READY AGE (+CONTAINERS IMAGES); READY is readyReplicas/spec.replicas. */
export const statefulSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    ageColumn,
    column('Containers', 'Names of each container in the template.', { priority: 1 }),
    column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
  ],
  cells(obj, now) {
    const sts = obj as StatefulSet;
    const containers = Array.isArray(sts.spec?.template?.spec?.containers) ? sts.spec.template.spec.containers : [];
    return [
      sts.metadata.name ?? '',
      `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
      translateTimestampSince(sts.metadata.creationTimestamp, now),
      containers.map((c) => c.name).join(','),
      containers.map((c) => c.image).join(','),
    ];
  },
};

/** `statefulset.apps/web`: a controller reference as kubectl prints it (lower-case Kind.group/name). */
function controllerName(rev: ControllerRevision): string {
  const ref = rev.metadata.ownerReferences?.find((o) => o.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

/** ControllerRevision: NAME CONTROLLER REVISION AGE. */
export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'Controller of the object'),
    column('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }),
    ageColumn,
  ],
  cells(obj, now) {
    const rev = obj as ControllerRevision;
    return [
      rev.metadata.name ?? '',
      controllerName(rev),
      rev.revision ?? 0,
      translateTimestampSince(rev.metadata.creationTimestamp, now),
    ];
  },
};
