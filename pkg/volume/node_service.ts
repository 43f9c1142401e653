/**
 * Volume plugins turn a bound PersistentVolume into a host directory the pod's containers get
 * as a Docker bind (`<hostPath>:<mountPath>[:ro]`). The volume manager picks a plugin with the
 * `VolumePluginManager`, calls `setUp` before the pod's containers are created and `tearDown`
 * after the last of them is removed.
 *
 * Contracts:
 * - `setUp` is idempotent per (PV, pod): calling it again for a pod that already has the volume
 *   returns the same result and changes nothing. After a kubelet restart the volume manager
 *   calls `setUp` again for every pod still running (that rebuilds shared-mount reference
 *   counts) before tearing down anything.
 * - `tearDown` is idempotent too and never deletes data.
 * - Failures throw `VolumeSetupError` or a mount error (`MountError`, `NfsUnsupportedError`);
 *   the volume manager reports any of them as a `FailedMount` event on the pod and retries.
 */
import type { PersistentVolume } from '../api/core/v1';

/** Event reasons the volume manager records for plugin outcomes. */
export const VolumeEventReason = {
  FailedMount: 'FailedMount',
  FailedUnmount: 'FailedUnmount',
} as const;
export type VolumeEventReason = (typeof VolumeEventReason)[keyof typeof VolumeEventReason];

/** Per-pod context of a setUp/tearDown. */
export interface VolumeContext {
  /** The pod using the volume. */
  podUid: string;
  /** The kubelet's --root-dir (plugins keep their mount points under it). */
  rootDir: string;
  /** The pod asked for the volume read-only (claim source or every mount readOnly). */
  readOnly: boolean;
}

/** Where the volume is on the host, and how to bind it. */
export interface VolumeSetupResult {
  /** Absolute, symlink-free host directory to bind into the containers. */
  hostPath: string;
  /** Bind it `:ro` (the pod asked for it, or the volume itself is read-only). */
  readOnly: boolean;
}

/** A volume plugin; see the file comment for the contracts. */
export interface VolumePlugin {
  /** Kubernetes-style plugin name (`kubernetes.io/host-path`, `kubernetes.io/nfs`). */
  readonly name: string;
  /** True when this plugin handles the PV's source. */
  canSupport(pv: PersistentVolume): boolean;
  setUp(pv: PersistentVolume, ctx: VolumeContext): Promise<VolumeSetupResult>;
  tearDown(pv: PersistentVolume, ctx: VolumeContext): Promise<void>;
}

/** A volume cannot be set up (bad path, unsupported source, …). Not retried into success. */
export class VolumeSetupError extends Error {
  readonly reason: VolumeEventReason = VolumeEventReason.FailedMount;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The PV's name, for messages. */
export function pvName(pv: PersistentVolume): string {
  return pv.metadata.name ?? '<unnamed>';
}
