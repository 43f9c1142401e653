/**
 * The kubelet's view of the host's mount table: mount, unmount, and ask what is mounted.
 * Volume plugins take a `Mounter` so unit tests use `FakeMounter` and only the real kubelet
 * touches the kernel (`LinuxMounter`).
 */

/** One line of /proc/self/mountinfo. */
export interface MountPoint {
  id: number;
  parentId: number;
  /** `major:minor` of the device. */
  device: string;
  /** The root of the mount within the source filesystem (`/` unless a bind of a subtree). */
  root: string;
  /** Where it is mounted (absolute, escapes decoded). */
  mountPoint: string;
  /** Per-mount options (`rw`, `relatime`, …). */
  options: string[];
  /** Filesystem type (`ext4`, `nfs4`, `tmpfs`, …). */
  fsType: string;
  /** Mount source (`/dev/sda1`, `server:/export`, `tmpfs`, …). */
  source: string;
  /** Per-superblock options. */
  superOptions: string[];
}

/** Mounts, unmounts and lists mounts. Paths are absolute. */
export interface Mounter {
  /**
   * `mount -t fstype -o options source target`. `target` must exist. For NFS types on a
   * kernel without an NFS client this throws `NfsUnsupportedError` without trying.
   */
  mount(source: string, target: string, fsType: string, options: string[]): Promise<void>;
  /** Unmounts `target`; a target that is not a mount point is success. */
  unmount(target: string): Promise<void>;
  /** True when `path` is itself a mount point (false when it does not exist). */
  isMountPoint(path: string): Promise<boolean>;
  /** The mount table (/proc/self/mountinfo). */
  list(): Promise<MountPoint[]>;
  /** True when this kernel can mount NFS (nfs or nfs4 in /proc/filesystems, or loadable). */
  nfsSupported(): Promise<boolean>;
}

/** Reasons carried by mount errors. */
export const MountErrorReason = {
  MountFailed: 'MountFailed',
  UnmountFailed: 'UnmountFailed',
  NfsUnsupported: 'NfsUnsupported',
} as const;
export type MountErrorReason = (typeof MountErrorReason)[keyof typeof MountErrorReason];

/** A mount or unmount failed. */
export class MountError extends Error {
  constructor(
    readonly reason: MountErrorReason,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The kernel has no NFS client, so `source` (server:path) cannot be mounted. */
export class NfsUnsupportedError extends MountError {
  constructor(readonly source: string) {
    super(
      MountErrorReason.NfsUnsupported,
      `this machine's kernel has no NFS client (no nfs in /proc/filesystems); cannot mount ${source}`,
    );
  }
}

/** True when `err` is the kernel-has-no-NFS error. */
export function isNfsUnsupported(err: unknown): err is NfsUnsupportedError {
  return err instanceof NfsUnsupportedError;
}

/** True for the NFS filesystem types (`nfs`, `nfs4`). */
export function isNfsFsType(fsType: string): boolean {
  return fsType === 'nfs' || fsType === 'nfs4';
}
