/** What the PersistentVolume controller's reconcilers read and write (consumer-defined). */
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import type { DeleteOptions, KubeObject } from '../../../api/meta';
import type { StorageClass } from '../../../api/storage/v1';
import type { Scope, Stored } from '../../../api/stored';
import type { EventRecorder } from '../../../client/record/recorder';
import type { ControllerService } from '../../../volume/controller_service';
import type { VolumeDriver } from '../../../volume/driver';
import type { VolumeDriverRegistry } from '../../../volume/registry';
import type { ProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import type { VolumeIndex } from './volume_index';
import type { SnapshotReader } from './data_source';
import type { Lister } from '../../../util/reconcile/lister';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';

/** A PersistentVolume as the apiserver stored it (cluster-scoped). */
export type StoredVolume = Stored<PersistentVolume, 'Cluster'>;
/** A PersistentVolumeClaim as the apiserver stored it (namespaced). */
export type StoredClaim = Stored<PersistentVolumeClaim, 'Namespaced'>;

/** The writes the controller makes for one resource of scope `S` (a ResourceClient satisfies it). */
export interface Writer<T extends KubeObject, S extends Scope> {
  get(name: string, namespace?: string): Promise<Stored<T, S>>;
  create(obj: T): Promise<Stored<T, S>>;
  update(obj: T): Promise<Stored<T, S>>;
  updateStatus(obj: T): Promise<Stored<T, S>>;
  delete(name: string, namespace?: string, opts?: DeleteOptions): Promise<Stored<T, S>>;
}

/** Index names the controller adds to its informers. */
export const IndexName = {
  /** PVs by `namespace/name` of their claimRef. */
  PVByClaim: 'pvByClaim',
  /** Claims by spec.volumeName. */
  ClaimByVolume: 'claimByVolume',
  /** Claims by storage class name. */
  ClaimByClass: 'claimByClass',
} as const;

/** Dependencies of the binder, provisioner and reclaimer. */
export interface ControllerContext {
  volumes: Lister<StoredVolume>;
  claims: Lister<StoredClaim>;
  /** StorageClasses (listed to find the default class). */
  classes: Lister<Stored<StorageClass, 'Cluster'>> & { list(): DeepReadonly<Stored<StorageClass, 'Cluster'>>[] };
  /** Nodes: a WaitForFirstConsumer claim is bound or provisioned for its selected node. */
  nodes: { get(name: string): DeepReadonly<Stored<Node, 'Cluster'>> | undefined };
  pvClient: Writer<PersistentVolume, 'Cluster'>;
  pvcClient: Writer<PersistentVolumeClaim, 'Namespaced'>;
  index: VolumeIndex;
  /** The volume drivers (what a storage type is), and each one's controller half. */
  drivers: VolumeDriverRegistry;
  controllerOf(driver: VolumeDriver): ControllerService;
  /** The controller's own provisioning records (what it made; see provisioning_records.ts). */
  records: ProvisioningRecords;
  /** Reads VolumeSnapshots and contents for claims restored from one (absent: no restore). */
  snapshots?: SnapshotReader;
  recorder: EventRecorder;
  /**
   * Claims told they wait for a first consumer, by key, with the resourceVersion told about:
   * the event is recorded once per change of the claim, not on every sync.
   */
  waitingNoted: Map<string, string>;
  /** Asks for a claim to be reconciled (e.g. after its volume changed). */
  enqueueClaim(key: string): void;
}
