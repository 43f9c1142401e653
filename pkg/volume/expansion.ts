/**
 * Volume expansion, CSI-shaped (ControllerExpandVolume / NodeExpandVolume). A driver whose
 * capabilities say `expansion` implements `expandVolume` on its controller half, and
 * `nodeExpandVolume` on its node half when its controller half can answer
 * `nodeExpansionRequired: true`.
 *
 * The directory volumes here have no block device and no filesystem of their own to grow: a
 * volume's size is a number in the API (and, where the host supports project quotas, a quota
 * on its directory). What a driver can check for real is that the size fits the filesystem
 * holding the directory: a directory cannot be larger than the filesystem it lives on, so a
 * request above that is infeasible (CSI's OutOfRange), and the claim shows
 * ControllerResizeInfeasible / NodeResizeInfeasible until its request is lowered again.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { PersistentVolume } from '../api/core/v1';
import { parseQuantity, quantityValue } from '../api/quantity';
import type { DeepReadonly } from '../util/immutable/deep_readonly';

/** What the controller side of an expansion answers (CSI ControllerExpandVolumeResponse). */
export interface ControllerExpansion {
  /** The volume's size now (a quantity string, ≥ the size asked for). */
  capacity: string;
  /** The node (kubelet) must finish it: the claim goes FileSystemResizePending. */
  nodeExpansionRequired: boolean;
}

/** A controller-side expansion of `pv` to `capacity` (a quantity string); idempotent. */
export type ControllerExpandVolume = (
  pv: DeepReadonly<PersistentVolume>,
  capacity: string,
) => Promise<ControllerExpansion>;

/**
 * An expansion failed. `infeasible` (CSI InvalidArgument / OutOfRange): retrying the same size
 * cannot succeed, the claim is marked …ResizeInfeasible and left until its request changes;
 * otherwise it is retried with backoff.
 */
export class VolumeExpansionError extends Error {
  override readonly name = 'VolumeExpansionError';

  constructor(
    message: string,
    readonly infeasible: boolean,
  ) {
    super(message);
  }
}

/**
 * The size of the filesystem holding `dir` (its nearest existing ancestor, for a directory not
 * made yet), in bytes; undefined when nothing on the way up can be looked at.
 */
export async function filesystemBytes(dir: string): Promise<bigint | undefined> {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(at, { bigint: true });
      return s.blocks * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    }
    const up = path.dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** Refuses (infeasible) a size above the filesystem holding `dir`; see the file comment. */
export async function checkFitsFilesystem(dir: string, capacity: string, what: string): Promise<void> {
  const fs = await filesystemBytes(dir);
  const want = quantityValue(parseQuantity(capacity));
  if (fs !== undefined && want > fs)
    throw new VolumeExpansionError(
      `OutOfRange: requested size ${capacity} is larger than the filesystem holding ${what} (${binaryBytes(fs)})`,
      true,
    );
}

/** `n` bytes in the largest binary unit it reaches, rounded down (`5Gi`), or plain bytes. */
function binaryBytes(n: bigint): string {
  for (const [unit, shift] of [
    ['Ti', 40n],
    ['Gi', 30n],
    ['Mi', 20n],
    ['Ki', 10n],
  ] as const) {
    if (n >= 1n << shift) return `${n >> shift}${unit}`;
  }
  return `${n}`;
}
