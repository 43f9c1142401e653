/** Annotations, event reasons and conditions of the PersistentVolume controller. */
import { ProvisionedByAnnotation } from '../../../volume/dirs/reclaim_guard';

/** Annotations written by the binder and provisioners (Kubernetes names). */
export const Annotation = {
  BoundByController: 'pv.kubernetes.io/bound-by-controller',
  BindCompleted: 'pv.kubernetes.io/bind-completed',
  ProvisionedBy: ProvisionedByAnnotation,
  /** The provisioner a claim waits for (set for external provisioners). */
  StorageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  /** Its deprecated beta spelling, still written (Kubernetes writes both). */
  BetaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  /** The node the scheduler chose for a WaitForFirstConsumer claim (the binder binds or provisions for it). */
  SelectedNode: 'volume.kubernetes.io/selected-node',
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
  WaitForFirstConsumer: 'WaitForFirstConsumer',
  /** Kubernetes' reason while an external provisioner must act. */
  ExternalProvisioning: 'ExternalProvisioning',
  /** A data source of a kind nothing here fills (volume-data-source-validator's reason). */
  UnrecognizedDataSourceKind: 'UnrecognizedDataSourceKind',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** The claim condition type set on a type mismatch. */
export const MismatchCondition = 'VolumeMismatch';
