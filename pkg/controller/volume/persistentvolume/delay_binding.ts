/**
 * Claims of a `volumeBindingMode: WaitForFirstConsumer` class (Kubernetes' delayed binding):
 *
 *   no volume.kubernetes.io/selected-node → Pending, Normal WaitForFirstConsumer (once per change)
 *   selected node N ─┬─ N is no node                       → ProvisioningFailed, annotation removed
 *                    ├─ a matching Available PV admits N     → bind it
 *                    ├─ class kubernetes.io/no-provisioner   → FailedBinding, annotation removed
 *                    ├─ class allowedTopologies exclude N    → ProvisioningFailed, annotation removed
 *                    └─ otherwise → provision for N (the PV gets N's topology as node affinity)
 *
 * Removing the annotation tells the scheduler the node it chose cannot work, so it chooses
 * again (as Kubernetes' provisioners do on a final provisioning failure). A transient
 * provisioning error keeps the annotation and is retried with backoff.
 */
import type { Node } from '../../../api/core/v1';
import { EventType } from '../../../api/core/v1';
import { LabelHostname, nodeMatchesAffinity, topologyAllows } from '../../../api/node_affinity';
import type { Stored } from '../../../api/stored';
import { NoProvisioner, type StorageClass, VolumeBindingMode } from '../../../api/storage/v1';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { getOwn } from '../../../util/json/own';
import type { Result } from '../../../util/reconcile/runner';
import { jsonClone } from '../../../util/json/clone';
import type { Topology } from '../../../volume/controller_service';
import { bind } from './bind';
import { Annotation, EventReason } from './constants';
import type { ControllerContext, StoredClaim } from './deps';
import { provisionAndBind } from './provision';
import { hasDataSource } from './data_source';
import { objectKey } from '../../../api/keys';

/** The message of the WaitForFirstConsumer event (Kubernetes' words). */
export const waitForFirstConsumerMessage = 'waiting for first consumer to be created before binding';

/** True when the class delays binding until a pod using the claim is scheduled. */
export function isDelayBinding(sc: DeepReadonly<StorageClass> | undefined): boolean {
  return sc?.volumeBindingMode === VolumeBindingMode.WaitForFirstConsumer;
}

/** The node the scheduler selected for the claim, if any. */
export function selectedNodeOf(claim: DeepReadonly<StoredClaim>): string | undefined {
  const n = getOwn<string>(claim.metadata.annotations ?? {}, Annotation.SelectedNode);
  return n ? n : undefined;
}

/** The topology segment of a node that node-local volumes are pinned to. */
export function nodeTopology(node: DeepReadonly<Stored<Node, 'Cluster'>>): Topology {
  return { [LabelHostname]: getOwn<string>(node.metadata.labels ?? {}, LabelHostname) ?? node.metadata.name };
}

/** Reconciles an unbound claim of a WaitForFirstConsumer class `sc` (see the file comment). */
export async function syncDelayedClaim(
  ctx: ControllerContext,
  claim: StoredClaim,
  sc: DeepReadonly<StorageClass>,
  type: string | undefined,
): Promise<Result | void> {
  const key = objectKey(claim);
  const nodeName = selectedNodeOf(claim);
  if (!nodeName) {
    const rv = claim.metadata.resourceVersion ?? '';
    if (ctx.waitingNoted.get(key) === rv) return;
    ctx.waitingNoted.set(key, rv);
    ctx.recorder.event(claim, EventType.Normal, EventReason.WaitForFirstConsumer, waitForFirstConsumerMessage);
    return;
  }
  ctx.waitingNoted.delete(key);
  const className = sc.metadata.name ?? '';
  const node = ctx.nodes.get(nodeName);
  if (!node) {
    const message = `failed to get target node: node "${nodeName}" not found`;
    return unselect(ctx, claim, EventType.Warning, EventReason.ProvisioningFailed, message);
  }
  const match = hasDataSource(claim)
    ? undefined
    : ctx.index.findBestMatch(claim, type, key, (pv) => nodeMatchesAffinity(node, pv.spec.nodeAffinity));
  if (match) {
    const name = match.metadata.name;
    ctx.index.reserve(name, key);
    try {
      await bind(ctx, claim, match);
    } finally {
      ctx.index.release(name, key);
    }
    return;
  }
  if (sc.provisioner === NoProvisioner) {
    const message = `no persistent volumes available for this claim on node "${nodeName}" and storage class "${className}" does not provision volumes`;
    return unselect(ctx, claim, EventType.Normal, EventReason.FailedBinding, message);
  }
  if (!topologyAllows(sc.allowedTopologies, node)) {
    const message = `failed to provision volume with StorageClass "${className}": node "${nodeName}" is not in the class's allowedTopologies`;
    return unselect(ctx, claim, EventType.Warning, EventReason.ProvisioningFailed, message);
  }
  const segment = nodeTopology(node);
  return provisionAndBind(ctx, claim, `pvc-${claim.metadata.uid}`, { requisite: [segment], preferred: [segment] });
}

/** Records why the selected node cannot work and removes the annotation so the scheduler chooses again. */
async function unselect(
  ctx: ControllerContext,
  claim: StoredClaim,
  type: EventType,
  reason: EventReason,
  message: string,
): Promise<void> {
  ctx.recorder.event(claim, type, reason, message);
  const next = jsonClone(claim);
  const annotations = { ...next.metadata.annotations };
  delete annotations[Annotation.SelectedNode];
  next.metadata.annotations = annotations;
  await ctx.pvcClient.update(next);
}
