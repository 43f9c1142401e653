/** Event strategy: no status; selectable by involvedObject fields (for `kubectl describe`). */
import type { Event } from '../../../api/core/v1';
import { events } from '../../../api/resources';
import { validateEvent } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const eventStrategy: Strategy<Event> = {
  ...defaultStrategy,
  info: events,
  hasStatus: false,
  selectableFields: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  prepareForCreate: (ev) => ev,
  validate: validateEvent,
  prepareForUpdate: (ev) => ev,
  validateUpdate: validateEvent,
  fields: (ev) => ({
    'involvedObject.kind': ev.involvedObject?.kind,
    'involvedObject.namespace': ev.involvedObject?.namespace,
    'involvedObject.name': ev.involvedObject?.name,
    'involvedObject.uid': ev.involvedObject?.uid,
    'involvedObject.apiVersion': ev.involvedObject?.apiVersion,
    'involvedObject.resourceVersion': ev.involvedObject?.resourceVersion,
    'involvedObject.fieldPath': ev.involvedObject?.fieldPath,
    reason: ev.reason,
    reportingComponent: ev.reportingComponent,
    source: ev.source?.component,
    type: ev.type,
  }),
};
