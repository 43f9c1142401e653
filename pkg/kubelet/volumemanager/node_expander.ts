/**
 * The kubelet's half of a volume expansion (Kubernetes' volume manager NodeExpandVolume, online):
 * for a volume mounted here whose claim the expand controller left NodeResizePending (condition
 * FileSystemResizePending), the driver's node half finishes it and the claim's status says so:
 * capacity = allocatedResources, the resize status and FileSystemResizePending removed, and a
 * FileSystemResizeSuccessful event on the claim and the pod. A failure is a
 * FileSystemResizeFailed Warning; an infeasible one marks NodeResizeInfeasible (until the
 * request is lowered), any other is retried by the reconciler's backoff.
 *
 * Claims are seen as the pod's last sync fetched them, and read afresh before the status write
 * (the Node authorizer lets a kubelet get its pods' claims and update their status;
 * NodeRestriction lets it change only capacity, conditions and the allocated fields). The size
 * done per claim is remembered, so a claim still cached as pending is not expanded twice.
 */
import {
  ClaimResourceStatus,
  type PersistentVolume,
  type PersistentVolumeClaim,
  PersistentVolumeClaimConditionType,
} from '../../api/core/v1';
import { rfc3339 } from '../../api/time';
import type { Stored } from '../../api/stored';
import type { EventRecorder } from '../../client/record/recorder';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { VolumeExpansionError } from '../../volume/expansion';
import type { PublishContext } from '../../volume/node_service';

/** Event reasons of the node side (Kubernetes' kubelet names). */
export const NodeExpandEventReason = {
  FileSystemResizeSuccessful: 'FileSystemResizeSuccessful',
  FileSystemResizeFailed: 'FileSystemResizeFailed',
} as const;
export type NodeExpandEventReason = (typeof NodeExpandEventReason)[keyof typeof NodeExpandEventReason];

/** The driver call (the kubelet's NodeDrivers satisfies it); resolves with the volume's size now. */
export interface NodeVolumeExpander {
  nodeExpandVolume(pv: PersistentVolume, capacity: string, ctx: PublishContext): Promise<string>;
}

/** Options of a NodeExpander. */
export interface NodeExpanderOptions {
  drivers: NodeVolumeExpander;
  /** Reads the claim afresh and writes its status (a 409 is retried by the reconciler). */
  claims: {
    get(namespace: string, name: string): Promise<PersistentVolumeClaim>;
    updateStatus(claim: PersistentVolumeClaim): Promise<unknown>;
  };
  recorder?: EventRecorder;
  now?: () => Date;
}

/** One mounted volume the reconciler offers: its claim as last fetched, and a pod using it. */
export interface MountedClaim {
  claim: DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>>;
  pv: PersistentVolume;
  pod: { uid: string; namespace: string; name: string };
  ctx: PublishContext;
}

/** True when the claim's expansion waits for the node. */
export function nodeExpansionPending(claim: DeepReadonly<PersistentVolumeClaim>): boolean {
  const s = claim.status;
  const state = s?.allocatedResourceStatuses?.storage;
  return (
    state === ClaimResourceStatus.NodeResizePending ||
    state === ClaimResourceStatus.NodeResizeInProgress ||
    (state === undefined &&
      (s?.conditions ?? []).some(
        (c) => c.type === PersistentVolumeClaimConditionType.FileSystemResizePending && c.status === 'True',
      ))
  );
}

/** The size a claim waiting for the node is to reach. */
function pendingSize(claim: DeepReadonly<PersistentVolumeClaim>): string | undefined {
  return claim.status?.allocatedResources?.storage ?? claim.spec.resources?.requests?.storage;
}

/** Finishes node-side expansions; see the file comment. */
export class NodeExpander {
  /** claim uid → the size this kubelet finished for it. */
  private readonly done = new Map<string, string>();
  private readonly now: () => Date;

  constructor(private readonly o: NodeExpanderOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Expands `m` when its claim waits for the node; returns true when it failed and should be retried. */
  async expand(m: MountedClaim): Promise<boolean> {
    const { claim } = m;
    const size = pendingSize(claim);
    if (!size || !nodeExpansionPending(claim) || this.done.get(claim.metadata.uid) === size) return false;
    const pvName = m.pv.metadata.name ?? '';
    const podRef = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: m.pod.name, namespace: m.pod.namespace, uid: m.pod.uid },
    };
    let capacity: string;
    try {
      capacity = await this.o.drivers.nodeExpandVolume(m.pv, size, m.ctx);
    } catch (err) {
      const message = `MountVolume.NodeExpandVolume failed for volume "${pvName}" : ${(err as Error).message}`;
      this.o.recorder?.event(claim, 'Warning', NodeExpandEventReason.FileSystemResizeFailed, message);
      this.o.recorder?.event(podRef, 'Warning', NodeExpandEventReason.FileSystemResizeFailed, message);
      if (!(err instanceof VolumeExpansionError && err.infeasible)) return true;
      await this.write(claim, size, (s) => {
        s.allocatedResourceStatuses = {
          ...(s.allocatedResourceStatuses ?? {}),
          storage: ClaimResourceStatus.NodeResizeInfeasible,
        };
        s.conditions = [
          ...(s.conditions ?? []).filter((c) => c.type !== PersistentVolumeClaimConditionType.FileSystemResizePending),
          this.condition(PersistentVolumeClaimConditionType.NodeResizeError, message),
        ];
      });
      this.done.set(claim.metadata.uid, size);
      return false;
    }
    const written = await this.write(claim, size, (s) => {
      s.capacity = { ...(s.capacity ?? {}), storage: capacity };
      const { storage: _s, ...rest } = s.allocatedResourceStatuses ?? {};
      if (Object.keys(rest).length) s.allocatedResourceStatuses = rest;
      else delete s.allocatedResourceStatuses;
      const kept = (s.conditions ?? []).filter(
        (c) =>
          c.type !== PersistentVolumeClaimConditionType.FileSystemResizePending &&
          c.type !== PersistentVolumeClaimConditionType.NodeResizeError &&
          c.type !== PersistentVolumeClaimConditionType.Resizing,
      );
      if (kept.length) s.conditions = kept;
      else delete s.conditions;
    });
    this.done.set(claim.metadata.uid, size);
    if (!written) return false;
    const message = `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${m.ctx.node.metadata.name ?? ''}`;
    this.o.recorder?.event(claim, 'Normal', NodeExpandEventReason.FileSystemResizeSuccessful, message);
    this.o.recorder?.event(podRef, 'Normal', NodeExpandEventReason.FileSystemResizeSuccessful, message);
    return false;
  }

  private condition(type: string, message: string) {
    const t = rfc3339(this.now());
    return { type, status: 'True' as const, message, lastProbeTime: t, lastTransitionTime: t };
  }

  /**
   * GET, change the status, PUT /status; nothing (false) when the fresh claim no longer waits
   * for the node to reach `size`: a newer resize started since the cached copy is not closed
   * with the older size.
   */
  private async write(
    claim: DeepReadonly<PersistentVolumeClaim>,
    size: string,
    change: (s: NonNullable<PersistentVolumeClaim['status']>) => void,
  ): Promise<boolean> {
    const next = await this.o.claims.get(claim.metadata.namespace ?? 'default', claim.metadata.name ?? '');
    if (next.metadata.uid !== claim.metadata.uid || !nodeExpansionPending(next) || pendingSize(next) !== size)
      return false;
    const status = next.status ?? {};
    change(status);
    next.status = status;
    await this.o.claims.updateStatus(next);
    return true;
  }
}
