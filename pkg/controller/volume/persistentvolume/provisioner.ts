/**
 * Provisioners create and remove the backing storage of dynamically provisioned volumes.
 * Each returns the PV source for a new volume; the binder builds the rest of the PV.
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec } from '../../../api/core/v1';
import type { StorageClass } from '../../../api/storage/v1';
import type { StorageType } from './constants';

/** What a provisioner is asked to create. */
export interface ProvisionRequest {
  pvName: string;
  claim: PersistentVolumeClaim;
  /** The class (built-in classes may be synthesized before their object exists). */
  storageClass: StorageClass;
}

/** The source of a new volume plus annotations recording how it was made. */
export interface Provisioned {
  source: Pick<PersistentVolumeSpec, 'hostPath' | 'nfs'>;
  annotations: Record<string, string>;
}

/** Records the base directory a volume was provisioned under (checked again before deletion). */
export const baseAnnotation = 'kubestore.io/provisioned-base';

/** A failure the claim should show as a ProvisioningFailed event (retried with backoff). */
export class ProvisioningError extends Error {}

/** Creates and deletes backing storage of one storage type. */
export interface Provisioner {
  readonly type: StorageType;
  /** Creates the storage (idempotent for the same pvName) and returns the PV's source fields. */
  provision(req: ProvisionRequest): Promise<Provisioned>;
  /** True when this provisioner created the PV's storage and may delete it. */
  owns(pv: PersistentVolume): boolean;
  /** Deletes the storage of a PV it owns. */
  delete(pv: PersistentVolume): Promise<void>;
  /** Empties the storage (Recycle) without removing it. */
  recycle(pv: PersistentVolume): Promise<void>;
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
