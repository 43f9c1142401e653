/** Annotations, event reasons and conditions of the PersistentVolume controller. */
import { ProvisionedByAnnotation } from '../../../volume/dirs/reclaim_guard';

/** Annotations written by the binder and provisioners (Kubernetes names). */
export const Annotation = {
  BoundByController: 'pv.kubernetes.io/bound-by-controller',
  BindCompleted: 'pv.kubernetes.io/bind-completed',
  ProvisionedBy: ProvisionedByAnnotation,
  StorageProvisioner: 'volume.kubernetes.io/storage-provisioner',
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
  /** Kubernetes' reason while another component (a populator) must act. */
  ExternalProvisioning: 'ExternalProvisioning',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** The claim condition type set on a type mismatch. */
export const MismatchCondition = 'VolumeMismatch';
