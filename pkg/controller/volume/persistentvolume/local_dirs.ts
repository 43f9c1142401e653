/**
 * Safe creation and removal of volume directories under a base directory: the directory must
 * resolve (through any symlinks) to a path strictly inside the base, so no name or symlink can
 * make the controller create or delete anything outside it.
 */
import { mkdir, readdir, realpath, rm, chmod } from 'node:fs/promises';
import path from 'node:path';
import { ProvisioningError } from './provisioner';

/** Resolves `dir` and fails unless it lies strictly inside `base`. */
export async function insideBase(base: string, dir: string): Promise<string> {
  const realBase = await realpath(base);
  const real = await realpath(dir);
  const rel = path.relative(realBase, real);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ProvisioningError(`refusing to use ${dir}: it resolves to ${real}, outside ${realBase}`);
  }
  return real;
}

/**
 * Creates `base/segment` (mode 0777 so containers running as any user can write, as the
 * Kubernetes hostPath provisioner does) and returns its path. Idempotent.
 */
export async function createVolumeDir(base: string, segment: string): Promise<string> {
  if (!path.isAbsolute(base)) throw new ProvisioningError(`base directory ${base} is not absolute`);
  if (!segment || segment.includes('/') || segment === '.' || segment === '..') throw new ProvisioningError(`invalid volume directory name "${segment}"`);
  await mkdir(base, { recursive: true, mode: 0o755 });
  const dir = path.join(base, segment);
  await mkdir(dir, { recursive: true, mode: 0o777 });
  // Check before chmod: a symlink planted at `dir` must not get its target made world-writable.
  await insideBase(base, dir);
  await chmod(dir, 0o777);
  return dir;
}

/** Deletes a volume directory if (and only if) it lies inside `base`. Missing is fine. */
export async function removeVolumeDir(base: string, dir: string): Promise<void> {
  try {
    await insideBase(base, dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rm(dir, { recursive: true, force: true });
}

/** Removes everything inside a volume directory (which must lie inside `base`). */
export async function emptyVolumeDir(base: string, dir: string): Promise<void> {
  const real = await insideBase(base, dir);
  for (const entry of await readdir(real)) await rm(path.join(real, entry), { recursive: true, force: true });
}
