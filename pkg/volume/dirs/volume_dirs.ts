/**
 * Creation and removal of volume directories. A directory is created only as
 * `<base>/<segment>` where base is equal to or under a configured root, and only if its real
 * path ends up strictly under that root's real path (no name or planted symlink leads outside).
 * Removal and emptying act on a real path the caller has verified (reclaim_guard.ts).
 */
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { lexicallyWithin, requestedPathProblem } from '../../util/fsroots/roots';
import type { PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { ProvisioningError, ReclaimRefusal } from '../errors';
import { verifyReclaim, type GuardContext } from './reclaim_guard';
import { describeRoots, locate, resolvePath } from './volume_roots';

/** A directory made by createVolumeDir. */
export interface VolumeDir {
  /** `<base>/<segment>`, as the PV names it. */
  path: string;
  /** Its real path (what the provisioning record keeps). */
  real: string;
}

/**
 * Creates `base/segment` (mode 0777 so containers running as any user can write, as the
 * Kubernetes hostPath provisioner does) and returns it. Idempotent. `base` must be equal to or
 * under one of `g.roots`; the new directory must resolve strictly under that root; and `base`
 * must not be, or lie inside, a volume this controller provisioned (`g.records`): a volume
 * made inside another would be deleted with it, and its pods could reach it.
 */
export async function createVolumeDir(
  base: string,
  segment: string,
  g: Pick<GuardContext, 'roots' | 'records'>,
): Promise<VolumeDir> {
  const roots = g.roots;
  const problem = requestedPathProblem(base, roots);
  if (problem) throw new ProvisioningError(`base directory ${problem}`);
  if (!isPathSegment(segment)) throw new ProvisioningError(`invalid volume directory name "${segment}"`);
  const root = roots.find((r) => lexicallyWithin(base, r, false)) ?? '';
  // The root is the administrator's: create it if missing. Then make sure the base does not
  // lead out of it through a symlink before creating anything below the root.
  await mkdir(root, { recursive: true, mode: 0o755 });
  const realRoot = (await resolvePath(root)).real;
  const resolvedBase = await resolvePath(base);
  if (!lexicallyWithin(resolvedBase.real, realRoot, false))
    throw new ProvisioningError(
      `refusing to use ${base}: it resolves to ${resolvedBase.real}, outside the root ${realRoot}`,
    );
  const host = (await g.records.list()).find((r) => lexicallyWithin(resolvedBase.real, r.path, false));
  if (host)
    throw new ProvisioningError(
      `refusing to use ${base}: it lies inside the directory of volume ${host.pvName} (${host.path})`,
    );
  await mkdir(base, { recursive: true, mode: 0o755 });
  const dir = path.join(path.normalize(base), segment);
  await mkdir(dir, { recursive: true, mode: 0o777 });
  // Check before chmod: a symlink planted at `dir` must not get its target made world-writable.
  const where = await locate(dir, [root]);
  const realBase = (await resolvePath(base)).real;
  if (!where.root || where.real !== path.join(realBase, segment)) {
    throw new ProvisioningError(
      `refusing to use ${dir}: it resolves to ${where.real}, not a directory strictly under ${describeRoots([realRoot])}`,
    );
  }
  await chmod(where.real, 0o777);
  return { path: dir, real: where.real };
}

async function assertNotSymlink(real: string): Promise<void> {
  if ((await lstat(real)).isSymbolicLink())
    throw new ProvisioningError(`refusing to touch ${real}: it became a symlink`);
}

/** Deletes a verified real directory path and everything in it (symlinks inside are unlinked, not followed). */
export async function removeVerifiedDir(real: string): Promise<void> {
  try {
    await assertNotSymlink(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rm(real, { recursive: true, force: true });
}

/** Removes everything inside a verified real directory path and keeps the directory. */
export async function emptyVerifiedDir(real: string): Promise<void> {
  await assertNotSymlink(real);
  for (const entry of await readdir(real)) await rm(path.join(real, entry), { recursive: true, force: true });
}

/** Deletes the directory of `pv` once the reclaim guard proved it ours; a missing one is fine. */
export async function removeVolumeDirChecked(
  pv: DeepReadonly<PersistentVolume>,
  localPath: string,
  g: GuardContext,
): Promise<void> {
  const where = await verifyReclaim(pv, localPath, g);
  if (where.exists) await removeVerifiedDir(where.real);
}

/** Empties the directory of `pv` once the reclaim guard proved it ours. */
export async function emptyVolumeDirChecked(
  pv: DeepReadonly<PersistentVolume>,
  localPath: string,
  g: GuardContext,
): Promise<void> {
  const where = await verifyReclaim(pv, localPath, g);
  if (!where.exists) throw new ReclaimRefusal(`its directory ${where.real} does not exist, so it cannot be recycled`);
  await emptyVerifiedDir(where.real);
}

/**
 * True when `s` is one path segment naming an entry inside a directory: not empty, not `.` or
 * `..`, no `/` and no NUL. A driver mapping a client-written id (a csi volumeHandle) to
 * `<root>/<id>` checks it with this first.
 */
export function isPathSegment(s: unknown): s is string {
  return typeof s === 'string' && s !== '' && s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\0');
}

/** The longest volume directory name (well under a file system's 255-byte NAME_MAX). */
const maxSegmentLength = 200;

/**
 * Turns claim and PV names into one safe path segment: [a-z0-9.-], no leading dots, at most
 * 200 characters. A longer name keeps its first characters and ends in a hash of the whole,
 * so names that differ only past the cut (the PV name comes last) never share a directory.
 */
export function safeSegment(...parts: string[]): string {
  const joined = parts
    .map((p) => p.toLowerCase().replace(/[^a-z0-9.-]/g, '-'))
    .join('-')
    .replace(/^\.+/, '')
    .replace(/\.\.+/g, '.');
  if (joined.length <= maxSegmentLength) return joined;
  const hash = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
  return `${joined.slice(0, maxSegmentLength - hash.length - 1)}-${hash}`;
}
