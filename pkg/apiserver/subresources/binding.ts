/**
 * POST pods/{name}/binding: assigns a pod to a node (the scheduler's write). A pod already on
 * another node is a 409; being bound also sets the PodScheduled condition.
 */
import type { Context } from 'koa';
import type { Binding, Pod } from '../../api/core/v1';
import { badRequest, conflict } from '../../api/errors';
import { bodyMediaType, decodeObject, readBody } from '../body';
import { isDNS1123Subdomain } from '../../api/validation/names';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import { rfc3339 } from '../../api/time';

/** Serves pods/binding. */
export async function podBinding(ctx: Context, info: RequestInfo, store: Store): Promise<void> {
  if (info.verb !== 'create') throw badRequest('pods/binding only supports POST');
  const type = bodyMediaType(ctx);
  const body = decodeObject(await readBody(ctx), type) as unknown as Binding;
  const target: unknown = body.target;
  const node: unknown = typeof target === 'object' && target !== null ? (target as { name?: unknown }).name : undefined;
  if (!node) throw badRequest('binding target name is required');
  if (typeof node !== 'string' || isDNS1123Subdomain(node).length > 0)
    throw badRequest(`binding target name ${JSON.stringify(node)} is not a valid node name`);
  if (body.metadata?.name && body.metadata.name !== info.name)
    throw badRequest('binding name does not match the pod name');
  const podName = info.name ?? '';
  const now = rfc3339();
  await store.systemUpdate(info.namespace, podName, (cur) => {
    const pod = cur as Pod;
    if (pod.metadata.deletionTimestamp)
      throw conflict({ resource: 'pods' }, podName, 'pod is being deleted, cannot be assigned to a host');
    if (pod.spec.nodeName && pod.spec.nodeName !== node)
      throw conflict(
        { resource: 'pods' },
        podName,
        `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`,
      );
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
    return { ...pod, spec: { ...pod.spec, nodeName: node }, status: { ...pod.status, conditions } };
  });
  ctx.status = 201;
  ctx.body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
