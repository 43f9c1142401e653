/**
 * Project quotas on directories (XFS prjquota, ext4 prjquota), set through the standard tools:
 *   chattr +P -p <id> <dir>                                   tag the directory (inherited below)
 *   xfs_quota -x -c 'limit -p bhard=<bytes> <id>' <mount>     XFS limit
 *   setquota -P <id> 0 <KiB> 0 0 <mount>                      ext4 limit
 * A directory keeps the project id it already has (lsattr -pd), so setting again — or raising
 * the limit when a volume is expanded — is idempotent. New ids come from a hash of the real
 * path, above the range administrators usually hand out.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rmdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { QuotaFsType, type QuotaSupport } from './detect';

/** Runs a program; resolves with stdout, rejects with stderr in the message. */
export type CommandRunner = (bin: string, args: readonly string[]) => Promise<string>;

/** The real runner (30 s timeout). */
export const execRunner: CommandRunner = (bin, args) =>
  new Promise((resolve, reject) => {
    execFile(bin, [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });

const firstProjectId = 1 << 20;

/** The project id derived from a directory's real path (stable across restarts). */
export function derivedProjectId(realDir: string): number {
  const h = createHash('sha256').update(realDir).digest().readUInt32BE(0);
  return firstProjectId + (h % (2 ** 31 - 1 - firstProjectId));
}

/** The project id `lsattr -pd` prints for a directory (0: none). */
export function parseLsattrProject(out: string): number {
  const m = /^\s*(\d+)\s/.exec(out);
  return m?.[1] ? Number(m[1]) : 0;
}

/** Sets and raises project quotas under one root whose support was detected. */
export class ProjectQuotas {
  constructor(
    private readonly support: Extract<QuotaSupport, { supported: true }>,
    private readonly run: CommandRunner = execRunner,
  ) {}

  /** The directory's project id, giving it one if it has none. */
  async projectId(realDir: string): Promise<number> {
    const current = parseLsattrProject(await this.run('lsattr', ['-pd', realDir]));
    if (current !== 0) return current;
    const id = derivedProjectId(realDir);
    await this.run('chattr', ['+P', '-p', String(id), realDir]);
    return id;
  }

  /** Limits the directory (and everything below it) to `bytes`; idempotent. */
  async setLimit(realDir: string, bytes: bigint): Promise<number> {
    const id = await this.projectId(realDir);
    const mount = this.support.mountPoint;
    if (this.support.fsType === QuotaFsType.XFS) {
      await this.run('xfs_quota', ['-x', '-c', `limit -p bhard=${bytes} ${id}`, mount]);
    } else {
      const kib = (bytes + 1023n) / 1024n;
      await this.run('setquota', ['-P', String(id), '0', String(kib), '0', '0', mount]);
    }
    return id;
  }

  /** Raises the limit for an expanded volume (the expansion helper's entry point). */
  raiseLimit(realDir: string, bytes: bigint): Promise<number> {
    return this.setLimit(realDir, bytes);
  }
}

/** The detection probe: a fresh directory under `root` must accept a project id. */
export function chattrProbe(run: CommandRunner = execRunner): (root: string) => Promise<string | undefined> {
  return async (root) => {
    let dir: string | undefined;
    try {
      dir = await mkdtemp(path.join(root, '.quota-probe-'));
      await run('chattr', ['-p', String(firstProjectId - 1), dir]);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    } finally {
      if (dir) await rmdir(dir).catch(() => undefined);
    }
  };
}
