/** The failures drivers report; callers turn each into an event and a phase or a retry. */

/** Event reasons the volume manager records for node-side outcomes. */
export const VolumeEventReason = {
  FailedMount: 'FailedMount',
  FailedUnmount: 'FailedUnmount',
} as const;
export type VolumeEventReason = (typeof VolumeEventReason)[keyof typeof VolumeEventReason];

/** A volume cannot be created; the claim shows it as a ProvisioningFailed event (retried with backoff). */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** Reclaim must not touch this volume's storage; the message says why (PV → Failed, no retry). */
export class ReclaimRefusal extends Error {
  override readonly name = 'ReclaimRefusal';
}

/** A volume cannot be set up on the node (bad path, unsupported source, …). Not retried into success. */
export class VolumeSetupError extends Error {
  readonly reason: VolumeEventReason = VolumeEventReason.FailedMount;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A snapshot cannot be cut (source missing or not ours, copy failed); recorded in the content's status.error, retried. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}
