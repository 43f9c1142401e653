/**
 * Detection (never a guess) of whether project quotas can limit directories under a root, as
 * Kubernetes' fsquota does it: the root's mount is found in /proc/self/mountinfo and its
 * filesystem options read —
 *   XFS   mounted with `prjquota` / `pquota` (`pqnoenforce` only accounts: not a limit)
 *   ext4  mounted with `prjquota` (which needs the `project` feature of the filesystem)
 * — then the tools that set a quota must be installed (XFS: xfs_quota from xfsprogs; ext4:
 * setquota from quota; both: chattr/lsattr from e2fsprogs), and finally a probe directory under
 * the root must accept a project id (the FS_IOC_FSSETXATTR ioctl, through chattr -p). Anything
 * else is "unsupported" with the reason, and callers take the measure-only path.
 */
import { access, constants, readFile } from 'node:fs/promises';
import path from 'node:path';
import { mountOf, parseMountinfo, type MountInfo } from './mountinfo';

/** Filesystems whose project quotas we drive. */
export const QuotaFsType = { XFS: 'xfs', Ext4: 'ext4' } as const;
export type QuotaFsType = (typeof QuotaFsType)[keyof typeof QuotaFsType];

/** What detection found for one root. */
export type QuotaSupport =
  | { supported: true; fsType: QuotaFsType; mountPoint: string; root: string }
  | { supported: false; fsType: string; mountPoint: string; root: string; reason: string };

/** What detection reads and runs (injected: unit tests give fake mount tables and tools). */
export interface QuotaDetectDeps {
  /** The text of /proc/self/mountinfo. */
  mountinfo(): Promise<string>;
  /** Whether an executable of this name is on PATH. */
  hasTool(name: string): Promise<boolean>;
  /** Tries to give a new directory under `root` a project id; resolves with an error message, or undefined on success. */
  probe(root: string): Promise<string | undefined>;
}

/** The tools each filesystem's quotas need. */
export const quotaTools: Readonly<Record<QuotaFsType, readonly string[]>> = {
  xfs: ['xfs_quota', 'chattr', 'lsattr'],
  ext4: ['setquota', 'chattr', 'lsattr'],
};

/** Whether the mount's options enable enforced project quotas, and why not. */
export function mountQuotaProblem(m: MountInfo): string | undefined {
  const opts = new Set([...m.superOptions, ...m.mountOptions]);
  if (m.fsType === QuotaFsType.XFS) {
    if (opts.has('prjquota') || opts.has('pquota')) return undefined;
    if (opts.has('pqnoenforce')) return 'xfs is mounted with pqnoenforce: project quotas are accounted, not enforced';
    return `xfs at ${m.mountPoint} is mounted without prjquota`;
  }
  if (m.fsType === QuotaFsType.Ext4) {
    if (opts.has('prjquota')) return undefined;
    return `ext4 at ${m.mountPoint} is mounted without prjquota (needs the filesystem's project feature and the prjquota mount option)`;
  }
  return `${m.fsType} at ${m.mountPoint} has no project quotas we can set (only xfs with prjquota or ext4 with prjquota)`;
}

/** Detects project-quota support for directories under `root` (an absolute real path). */
export async function detectProjectQuota(root: string, deps: QuotaDetectDeps): Promise<QuotaSupport> {
  const mounts = parseMountinfo(await deps.mountinfo());
  const m = mountOf(root, mounts);
  if (!m) return { supported: false, fsType: '', mountPoint: '', root, reason: `no mount of ${root} in mountinfo` };
  const base = { fsType: m.fsType, mountPoint: m.mountPoint, root };
  const problem = mountQuotaProblem(m);
  if (problem) return { supported: false, ...base, reason: problem };
  const fsType = m.fsType === QuotaFsType.XFS ? QuotaFsType.XFS : QuotaFsType.Ext4;
  for (const tool of quotaTools[fsType]) {
    if (!(await deps.hasTool(tool)))
      return { supported: false, ...base, reason: `${tool} is not installed (Debian: xfsprogs, quota, e2fsprogs)` };
  }
  const probeError = await deps.probe(root);
  if (probeError)
    return { supported: false, ...base, reason: `setting a project id under ${root} failed: ${probeError}` };
  return { supported: true, fsType, mountPoint: m.mountPoint, root };
}

/** Whether `name` is an executable on PATH. */
export async function hasToolOnPath(name: string, envPath = process.env.PATH ?? ''): Promise<boolean> {
  for (const dir of envPath.split(':').filter((d) => d !== '')) {
    try {
      await access(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Reads this process's mount table. */
export function readSelfMountinfo(): Promise<string> {
  return readFile('/proc/self/mountinfo', 'utf8');
}
