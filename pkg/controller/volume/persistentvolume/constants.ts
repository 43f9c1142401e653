/** Annotations, event reasons and storage types of the PersistentVolume controller. */
import type { PersistentVolume } from '../../../api/core/v1';
import type { StorageClass } from '../../../api/storage/v1';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';

/** Annotations written by the binder and provisioners (Kubernetes names). */
export const Annotation = {
  BoundByController: 'pv.kubernetes.io/bound-by-controller',
  BindCompleted: 'pv.kubernetes.io/bind-completed',
  ProvisionedBy: 'pv.kubernetes.io/provisioned-by',
  StorageProvisioner: 'volume.kubernetes.io/storage-provisioner',
} as const;

/** Every event reason the controller records. */
export const EventReason = {
  ProvisioningSucceeded: 'ProvisioningSucceeded',
  ProvisioningFailed: 'ProvisioningFailed',
  VolumeMismatch: 'VolumeMismatch',
  FailedBinding: 'FailedBinding',
  ClaimLost: 'ClaimLost',
  ClaimMisbound: 'ClaimMisbound',
  VolumeDelete: 'VolumeDelete',
  VolumeFailedDelete: 'VolumeFailedDelete',
  VolumeRecycled: 'VolumeRecycled',
  VolumeFailedRecycle: 'VolumeFailedRecycle',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** The two storage types: a PV's type is its source. */
export const StorageType = { HostPath: 'hostPath', NFS: 'nfs' } as const;
export type StorageType = (typeof StorageType)[keyof typeof StorageType];

/** Provisioner names of the built-in classes. */
export const Provisioner = {
  HostPath: 'kubestore.io/hostpath',
  NFS: 'kubestore.io/nfs',
} as const;

/** The type a provisioner creates, if it is one of ours. */
export function provisionerType(provisioner: string): StorageType | undefined {
  if (provisioner === Provisioner.HostPath) return StorageType.HostPath;
  if (provisioner === Provisioner.NFS) return StorageType.NFS;
  return undefined;
}

/** The storage type of a PV (undefined when it has neither source). */
export function volumeType(pv: DeepReadonly<PersistentVolume>): StorageType | undefined {
  if (pv.spec.hostPath) return StorageType.HostPath;
  if (pv.spec.nfs) return StorageType.NFS;
  return undefined;
}

/** The storage type a class provisions; the built-in class names imply it even before the object exists. */
export function classType(className: string, sc: DeepReadonly<StorageClass> | undefined): StorageType | undefined {
  if (sc) return provisionerType(sc.provisioner);
  if (className === StorageType.HostPath) return StorageType.HostPath;
  if (className === StorageType.NFS) return StorageType.NFS;
  return undefined;
}

/** The claim condition type set on a type mismatch. */
export const MismatchCondition = 'VolumeMismatch';
