/** Event reasons, messages and the annotation of the expand controller (Kubernetes' names). */

/** Events the expand controller records on claims (Kubernetes' external-resizer / expand controller reasons). */
export const ExpandEventReason = {
  /** Normal: the controller side of an expansion started. */
  Resizing: 'Resizing',
  /** Normal: the expansion is done. */
  VolumeResizeSuccessful: 'VolumeResizeSuccessful',
  /** Warning: the controller side failed. */
  VolumeResizeFailed: 'VolumeResizeFailed',
  /** Normal: the node must finish the expansion. */
  FileSystemResizeRequired: 'FileSystemResizeRequired',
  /** Normal (not ours) or Warning (our driver cannot expand): someone else must expand it. */
  ExternalExpanding: 'ExternalExpanding',
} as const;
export type ExpandEventReason = (typeof ExpandEventReason)[keyof typeof ExpandEventReason];

/** The claim annotation naming who resizes it (Kubernetes' `volume.kubernetes.io/storage-resizer`). */
export const StorageResizerAnnotation = 'volume.kubernetes.io/storage-resizer';

/** Kubernetes' message of a claim whose class provisioner no controller here serves. */
export const externalExpandingMessage = 'waiting for an external controller to expand this PVC';

/** Kubernetes' message of a claim whose volume no driver here can expand. */
export const noExpandablePluginMessage =
  "didn't find a plugin capable of expanding the volume; waiting for an external controller to process this PVC.";

/** Kubernetes' message of the FileSystemResizePending condition. */
export const fileSystemResizePendingMessage =
  'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

/** Kubernetes' provisioner of static (never provisioned) volumes' classes. */
export const noProvisioner = 'kubernetes.io/no-provisioner';

/** The component name events carry (Kubernetes' external-resizer reports as `external-resizer <driver>`). */
export const expandComponent = 'volume_expand';
