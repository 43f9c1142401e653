/**
 * The expand controller's reconciler (Kubernetes' expand controller and external-resizer in
 * one, for the drivers registered here). Level-based, per claim key:
 *
 * 1. Only a Bound claim whose PV is bound to it (claimRef uid) is looked at. The size wanted is
 *    the storage request, except that a resize already in progress is never undone mid-flight
 *    (its allocatedResources is kept when larger). Nothing to do while request ≤ capacity, while
 *    the node has the resize (NodeResizePending/InProgress), or while the same size is recorded
 *    ControllerResizeInfeasible (lowering the request, recovery as in 1.32, starts it afresh).
 * 2. The claim's class must be served here (its provisioner is a registered driver's, or
 *    kubernetes.io/no-provisioner for static volumes), else: ExternalExpanding (Normal), the
 *    storage-resizer annotation set, nothing else. A class that no longer exists leaves it to
 *    the PV's driver (external only when no driver here handles the PV). A driver without the expansion capability:
 *    ExternalExpanding (Warning), likewise.
 * 3. status: allocatedResources = size, ControllerResizeInProgress, condition Resizing; event
 *    Resizing. Then the driver's expandVolume; then PV spec.capacity grows (never shrinks).
 * 4. nodeExpansionRequired: NodeResizePending + FileSystemResizePending (the kubelet
 *    finishes); else capacity = size, conditions cleared, event VolumeResizeSuccessful.
 * Failures: VolumeResizeFailed (Warning) with ControllerResizeError; infeasible ones are
 * recorded and left (no retry), others keep ControllerResizeInProgress and back off.
 * Every write is idempotent, so a crash between steps only repeats a step.
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import { ClaimResourceStatus, PersistentVolumeClaimPhase } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import { tryParseQuantity } from '../../../api/quantity';
import type { StorageClass } from '../../../api/storage/v1';
import { rfc3339 } from '../../../api/time';
import type { EventRecorder } from '../../../client/record/recorder';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { type Lister, thaw } from '../../../util/reconcile/lister';
import type { Reconciler } from '../../../util/reconcile/runner';
import type { ControllerService } from '../../../volume/controller_service';
import type { VolumeDriver } from '../../../volume/driver';
import { VolumeExpansionError } from '../../../volume/expansion';
import type { VolumeDriverRegistry } from '../../../volume/registry';
import {
  ExpandEventReason,
  externalExpandingMessage,
  noExpandablePluginMessage,
  noProvisioner,
  StorageResizerAnnotation,
} from './constants';
import { controllerFailedStatus, finishedStatus, nodePendingStatus, startedStatus } from './status';

/** The writes the reconciler makes. */
export interface ExpandClients {
  claims: {
    update(obj: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
    updateStatus(obj: PersistentVolumeClaim): Promise<PersistentVolumeClaim>;
  };
  volumes: { update(obj: PersistentVolume): Promise<PersistentVolume> };
}

/** Dependencies of the reconciler. */
export interface ExpandDeps {
  claims: Lister<PersistentVolumeClaim>;
  volumes: Lister<PersistentVolume>;
  classes: Lister<StorageClass>;
  clients: ExpandClients;
  drivers: VolumeDriverRegistry;
  controllerOf(driver: VolumeDriver): ControllerService;
  recorder: EventRecorder;
  now?: () => Date;
}

/** Reconciles the expansion of one claim; see the file comment. */
export class ExpandReconciler implements Reconciler {
  private readonly now: () => Date;

  constructor(private readonly d: ExpandDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async reconcile(key: string): Promise<void> {
    const pvc = this.d.claims.get(key);
    if (!pvc || pvc.metadata.deletionTimestamp || pvc.status?.phase !== PersistentVolumeClaimPhase.Bound) return;
    const pv = pvc.spec.volumeName ? this.d.volumes.get(pvc.spec.volumeName) : undefined;
    if (!pv || pv.spec.claimRef?.uid !== pvc.metadata.uid) return;
    const size = wantedSize(pvc);
    if (size === undefined) return;
    const className = pvc.spec.storageClassName ?? '';
    const sc = className ? this.d.classes.get(className) : undefined;
    const provisioner = sc?.provisioner ?? this.d.drivers.forClass(className, undefined)?.identity.provisioner;
    const driver = this.d.drivers.forVolume(pv);
    // A class that is gone (deleted after admission let the request grow) says nothing: the
    // PV's driver decides, as in Kubernetes.
    const external =
      provisioner === undefined ? !driver : provisioner !== noProvisioner && !this.d.drivers.byProvisioner(provisioner);
    if (external) return this.external(pvc, provisioner ?? '', 'Normal', externalExpandingMessage);
    const service = driver?.identity.capabilities.expansion ? this.d.controllerOf(driver) : undefined;
    if (!driver || !service?.expandVolume)
      return this.external(
        pvc,
        driver?.identity.provisioner ?? provisioner ?? '',
        'Warning',
        noExpandablePluginMessage,
      );
    await this.expand(pvc, pv, size, driver, service.expandVolume);
  }

  private async expand(
    cached: DeepReadonly<PersistentVolumeClaim>,
    pv: DeepReadonly<PersistentVolume>,
    size: string,
    driver: VolumeDriver,
    expandVolume: NonNullable<ControllerService['expandVolume']>,
  ): Promise<void> {
    const now = rfc3339(this.now());
    let pvc: DeepReadonly<PersistentVolumeClaim> = cached;
    const inProgress =
      pvc.status?.allocatedResources?.storage === size &&
      pvc.status?.allocatedResourceStatuses?.storage === ClaimResourceStatus.ControllerResizeInProgress;
    if (!inProgress) {
      pvc = await this.writeStatus(pvc, startedStatus(pvc, size, now));
      this.d.recorder.event(
        pvc,
        'Normal',
        ExpandEventReason.Resizing,
        `External resizer is resizing volume ${pv.metadata.name ?? ''}`,
      );
    }
    let result: Awaited<ReturnType<typeof expandVolume>>;
    try {
      result = await expandVolume(pv, size);
    } catch (err) {
      const infeasible = err instanceof VolumeExpansionError && err.infeasible;
      const message = `resize volume "${pv.metadata.name ?? ''}" by resizer "${driver.identity.provisioner}" failed: ${(err as Error).message}`;
      await this.writeStatus(pvc, controllerFailedStatus(pvc, message, infeasible, now));
      this.d.recorder.event(pvc, 'Warning', ExpandEventReason.VolumeResizeFailed, message);
      if (infeasible) return;
      throw err;
    }
    await this.growVolume(pv, result.capacity);
    if (result.nodeExpansionRequired) {
      await this.writeStatus(pvc, nodePendingStatus(pvc, now));
      this.d.recorder.event(
        pvc,
        'Normal',
        ExpandEventReason.FileSystemResizeRequired,
        'Require file system resize of volume on node',
      );
      return;
    }
    await this.writeStatus(pvc, finishedStatus(pvc, result.capacity, now));
    this.d.recorder.event(pvc, 'Normal', ExpandEventReason.VolumeResizeSuccessful, 'Resize volume succeeded');
  }

  /** PV spec.capacity.storage = `capacity` unless it already is at least that. */
  private async growVolume(pv: DeepReadonly<PersistentVolume>, capacity: string): Promise<void> {
    const have = tryParseQuantity(pv.spec.capacity?.storage);
    const want = tryParseQuantity(capacity);
    if (have && want && have.milli >= want.milli) return;
    const next = thaw(pv) as PersistentVolume;
    next.spec.capacity = { ...(next.spec.capacity ?? {}), storage: capacity };
    await this.d.clients.volumes.update(next);
  }

  private async writeStatus(
    pvc: DeepReadonly<PersistentVolumeClaim>,
    status: NonNullable<PersistentVolumeClaim['status']>,
  ): Promise<DeepReadonly<PersistentVolumeClaim>> {
    const next = thaw(pvc) as PersistentVolumeClaim;
    next.status = status;
    return this.d.clients.claims.updateStatus(next);
  }

  /** Someone else must expand this claim: say so once (the storage-resizer annotation remembers). */
  private async external(
    pvc: DeepReadonly<PersistentVolumeClaim>,
    resizer: string,
    type: 'Normal' | 'Warning',
    message: string,
  ): Promise<void> {
    if (pvc.metadata.annotations?.[StorageResizerAnnotation] === resizer) return;
    const next = thaw(pvc) as PersistentVolumeClaim;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [StorageResizerAnnotation]: resizer };
    try {
      await this.d.clients.claims.update(next);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.d.recorder.event(pvc, type, ExpandEventReason.ExternalExpanding, message);
  }
}

/**
 * The size the claim's volume should be grown to, or undefined when nothing is to be done
 * here (see the file comment, step 1).
 */
export function wantedSize(pvc: DeepReadonly<PersistentVolumeClaim>): string | undefined {
  const requested = pvc.spec.resources?.requests?.storage;
  const request = tryParseQuantity(requested);
  const capacity = tryParseQuantity(pvc.status?.capacity?.storage);
  if (!requested || !request || !capacity || request.milli <= capacity.milli) return undefined;
  const state = pvc.status?.allocatedResourceStatuses?.storage;
  const allocatedText = pvc.status?.allocatedResources?.storage;
  const allocated = tryParseQuantity(allocatedText);
  const coversRequest = allocated !== undefined && allocated.milli >= request.milli;
  // The node has it: its kubelet finishes (a larger request afterwards starts a new resize).
  if (
    (state === ClaimResourceStatus.NodeResizePending || state === ClaimResourceStatus.NodeResizeInProgress) &&
    coversRequest
  )
    return undefined;
  // Under way: never undone mid-flight.
  if (state === ClaimResourceStatus.ControllerResizeInProgress && allocatedText && coversRequest) return allocatedText;
  // Recorded infeasible for this very size: wait for the request to change.
  if (
    (state === ClaimResourceStatus.ControllerResizeInfeasible || state === ClaimResourceStatus.NodeResizeInfeasible) &&
    allocated?.milli === request.milli
  )
    return undefined;
  return requested;
}
