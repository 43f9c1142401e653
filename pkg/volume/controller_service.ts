/**
 * The controller half of a driver (CSI's Controller service): creates and removes the backing
 * storage of dynamically provisioned volumes. It returns the PV source of a new volume; the
 * binder builds the rest of the PV. Whether existing storage may be touched is proven by the
 * driver from the controller's own records (dirs/reclaim_guard.ts), never from the PV object.
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource } from '../api/core/v1';
import type { StorageClass } from '../api/storage/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import type { ProvisioningRecords } from './dirs/provisioning_records';
import type { ControllerExpandVolume } from './expansion';

/** What the controller-manager gives every driver's controller half. */
export interface ControllerHost {
  /** The controller's own provisioning records (what it made; see dirs/provisioning_records.ts). */
  records: ProvisioningRecords;
  /**
   * The snapshot controller's own records of the snapshots it cut (one per content name, the
   * content's uid as `pvUid`, the snapshot's uid as `claimUid`); absent outside that controller.
   */
  snapshotRecords?: ProvisioningRecords;
}

/** What a driver is asked to snapshot (CSI's CreateSnapshot). */
export interface CreateSnapshotRequest {
  /** The VolumeSnapshotContent's name (`snapcontent-<snapshot uid>`): the idempotency key. */
  name: string;
  /** The content's uid (recorded: only this content may later delete the copy). */
  contentUid: string;
  /** The snapshot's uid and `namespace/name` (recorded, for people reading the record). */
  snapshotUid: string;
  snapshot: string;
  /** The volume to snapshot (a PV this driver handles). */
  source: DeepReadonly<PersistentVolume>;
  parameters: Readonly<Record<string, string>>;
}

/** A snapshot cut (CSI's Snapshot). */
export interface CreatedSnapshot {
  snapshotHandle: string;
  sizeBytes: number;
  /** When the copy was taken (ms since the epoch). */
  creationTimeMs: number;
  readyToUse: boolean;
}

/** What a driver is asked to delete (CSI's DeleteSnapshot): the content's name, uid and handle. */
export interface DeleteSnapshotRequest {
  name: string;
  contentUid: string;
  snapshotHandle: string;
}

/** A topology segment: topology label keys and their values (CSI's Topology), e.g. `kubernetes.io/hostname: node-b`. */
export type Topology = Readonly<Record<string, string>>;

/**
 * Where a new volume must be reachable from (CSI's TopologyRequirement): `requisite` lists the
 * segments it may be in, `preferred` the order to try them. Given for WaitForFirstConsumer
 * claims: the segments of the node the scheduler selected.
 */
export interface TopologyRequirement {
  requisite: readonly Topology[];
  preferred: readonly Topology[];
}

/** What a driver is asked to create. */
export interface CreateVolumeRequest {
  pvName: string;
  claim: DeepReadonly<PersistentVolumeClaim>;
  /** The class (a driver's default class may be synthesized before its object exists). */
  storageClass: DeepReadonly<StorageClass>;
  /** Absent: anywhere (Immediate binding). */
  accessibilityRequirements?: TopologyRequirement;
  /**
   * What to fill the new volume with (CSI's VolumeContentSource): a snapshot this driver cut
   * (its handle), or another of its volumes (a clone). Absent: empty.
   */
  contentSource?: { snapshotHandle: string } | { volume: DeepReadonly<PersistentVolume> };
}

/** The source of a new volume, annotations to add to the PV, and what the provisioning record keeps. */
export interface CreatedVolume {
  source: PersistentVolumeSource;
  annotations: Record<string, string>;
  /** The real local path of the directory made (recorded before the PV is created). */
  localPath: string;
  /**
   * The segments the volume is reachable from (CSI's accessible_topology); the PV gets a
   * required node affinity with one term per segment. Absent: reachable from every node.
   */
  accessibleTopology?: Topology[];
}

/** Creates and deletes the backing storage of one driver's volumes. */
export interface ControllerService {
  /** Creates the storage (idempotent for the same pvName) and returns the PV's source; ProvisioningError when it cannot. */
  createVolume(req: CreateVolumeRequest): Promise<CreatedVolume>;
  /** Completes the provisioning record of a PV it created (fills in the uid; see dirs/reclaim_guard.ts). */
  adoptVolume(pv: DeepReadonly<PersistentVolume>): Promise<void>;
  /** Deletes the storage of a PV it provisioned; ReclaimRefusal when that is not proven. */
  deleteVolume(pv: DeepReadonly<PersistentVolume>): Promise<void>;
  /** Empties the storage (Recycle) without removing it; ReclaimRefusal when not proven. */
  recycleVolume(pv: DeepReadonly<PersistentVolume>): Promise<void>;
  /**
   * Grows the volume to at least `capacity` (CSI ControllerExpandVolume; idempotent); present
   * exactly when the driver's capabilities say `expansion`. Fails with VolumeExpansionError.
   */
  expandVolume?: ControllerExpandVolume;
  /** Cuts a snapshot of a volume (idempotent for the same name); drivers with the `snapshots` capability. SnapshotError when it cannot (see errors.ts). */
  createSnapshot?(req: CreateSnapshotRequest): Promise<CreatedSnapshot>;
  /** Deletes a snapshot it cut (a missing one is fine); ReclaimRefusal when its record does not prove it. */
  deleteSnapshot?(req: DeleteSnapshotRequest): Promise<void>;
}
