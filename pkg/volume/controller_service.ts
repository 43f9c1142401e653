/**
 * Provisioners create and remove the backing storage of dynamically provisioned volumes.
 * Each returns the PV source for a new volume; the binder builds the rest of the PV.
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec } from '../api/core/v1';
import type { StorageClass } from '../api/storage/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import type { StorageType } from '../controller/volume/persistentvolume/constants';

/** What a provisioner is asked to create. */
export interface ProvisionRequest {
  pvName: string;
  claim: PersistentVolumeClaim;
  /** The class (built-in classes may be synthesized before their object exists). */
  storageClass: StorageClass;
}

/** The source of a new volume, annotations to add to the PV, and what the provisioning record keeps. */
export interface Provisioned {
  source: Pick<PersistentVolumeSpec, 'hostPath' | 'nfs'>;
  annotations: Record<string, string>;
  /** The real local path of the directory made (recorded before the PV is created). */
  localPath: string;
}

/** A failure the claim should show as a ProvisioningFailed event (retried with backoff). */
export class ProvisioningError extends Error {}

/** Creates and deletes backing storage of one storage type. */
export interface Provisioner {
  readonly type: StorageType;
  /** Creates the storage (idempotent for the same pvName) and returns the PV's source fields. */
  provision(req: ProvisionRequest): Promise<Provisioned>;
  /**
   * True when the PV says it is of this provisioner (annotation and source): this only picks
   * the provisioner to ask; whether its storage may be touched is proven by delete/recycle
   * from the controller's own records (reclaim_guard.ts).
   */
  owns(pv: DeepReadonly<PersistentVolume>): boolean;
  /** Completes the provisioning record of a PV it created (fills in the uid; see reclaim_guard.ts). */
  adopt(pv: DeepReadonly<PersistentVolume>): Promise<void>;
  /** Deletes the storage of a PV it provisioned; ReclaimRefusal when that is not proven. */
  delete(pv: DeepReadonly<PersistentVolume>): Promise<void>;
  /** Empties the storage (Recycle) without removing it; ReclaimRefusal when not proven. */
  recycle(pv: DeepReadonly<PersistentVolume>): Promise<void>;
}

/** Turns claim and PV names into one safe path segment: [a-z0-9.-], no leading dots. */
export function safeSegment(...parts: string[]): string {
  return parts
    .map((p) => p.toLowerCase().replace(/[^a-z0-9.-]/g, '-'))
    .join('-')
    .replace(/^\.+/, '')
    .replace(/\.\.+/g, '.')
    .slice(0, 200);
}
