/**
 * Event validation (k8s ValidateEventCreate, legacy core/v1 events). Deviation: event names may
 * contain upper case letters, since recorders name events `<object>.<hash>` and objects such as
 * the built-in `hostPath` storage class have mixed-case names.
 */
import type { Event } from '../core/v1';
import { EventType } from '../core/v1';
import { type FieldError, invalid, notSupported, required } from './field';
import { validateObjectName } from './meta';
import { nameIsMixedCase } from './names';

/** Event types. */
export const supportedEventTypes: readonly string[] = Object.values(EventType);

/** Namespaces an event about a cluster-scoped object may live in. */
const clusterEventNamespaces: readonly string[] = ['', 'default', 'kube-system'];

/**
 * An event (create or update): an involvedObject with a name; the event's namespace equals
 * involvedObject.namespace, or, for a cluster-scoped object (no namespace), is `default`;
 * type, when set, is Normal or Warning; count is ≥ 0.
 */
export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectName(ev.metadata, nameIsMixedCase);
  const obj = ev.involvedObject;
  if (!obj || typeof obj !== 'object') {
    errs.push(required('involvedObject'));
  } else {
    if (!obj.name) errs.push(required('involvedObject.name'));
    const ns = ev.metadata?.namespace ?? '';
    const objNs = obj.namespace ?? '';
    if (objNs ? ns !== objNs : !clusterEventNamespaces.includes(ns)) {
      errs.push(invalid('involvedObject.namespace', objNs, 'does not match event.namespace'));
    }
  }
  if (ev.type !== undefined && !supportedEventTypes.includes(ev.type))
    errs.push(notSupported('type', ev.type, supportedEventTypes));
  if (ev.count !== undefined && ev.count !== null && (typeof ev.count !== 'number' || ev.count < 0)) {
    errs.push(invalid('count', ev.count, 'must be greater than or equal to 0'));
  }
  return errs;
}
