/** Node validation (the parts of k8s ValidateNode this project's kubelet exercises). */
import type { Node } from '../core/v1';
import { type FieldError, invalid, notSupported, required } from './field';
import { validateObjectName } from './meta';
import { nameIsDNSSubdomain } from './names';
import { validateResourceList } from './quantities';

/** Node address types (sorted). */
export const supportedNodeAddressTypes: readonly string[] = [
  'ExternalDNS',
  'ExternalIP',
  'Hostname',
  'InternalDNS',
  'InternalIP',
];
/** Condition statuses. */
export const supportedConditionStatuses: readonly string[] = ['False', 'True', 'Unknown'];

/**
 * A node (create or update): its name is a DNS subdomain; status capacity and allocatable are
 * quantities ≥ 0; each condition has a type and a True/False/Unknown status; each address a
 * known type and a value; the kubelet endpoint port is 0-65535.
 */
export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectName(node.metadata, nameIsDNSSubdomain);
  const status = node.status;
  if (!status) return errs;
  errs.push(...validateResourceList(status.capacity, 'status.capacity'));
  errs.push(...validateResourceList(status.allocatable, 'status.allocatable'));
  (status.conditions ?? []).forEach((c, i) => {
    const p = `status.conditions[${i}]`;
    if (!c.type) errs.push(required(`${p}.type`));
    if (!supportedConditionStatuses.includes(c.status))
      errs.push(notSupported(`${p}.status`, c.status ?? '', supportedConditionStatuses));
  });
  (status.addresses ?? []).forEach((a, i) => {
    const p = `status.addresses[${i}]`;
    if (!supportedNodeAddressTypes.includes(a.type))
      errs.push(notSupported(`${p}.type`, a.type ?? '', supportedNodeAddressTypes));
    if (!a.address) errs.push(required(`${p}.address`));
  });
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    errs.push(invalid('status.daemonEndpoints.kubeletEndpoint.Port', port, 'must be between 0 and 65535, inclusive'));
  }
  return errs;
}
