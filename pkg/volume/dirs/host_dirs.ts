/**
 * Safe preparation of host directories handed to containers. A directory is accepted only if
 * its path is absolute, has no `..` segment, is not `/`, and resolves (realpath) to itself, so
 * no symlink anywhere along it can redirect a bind to another part of the host.
 *
 * Permissions of directories we create: the leaf gets 0777 so containers running as any UID can
 * write (containers here run as arbitrary users, and the kubelet cannot chown to a UID it does
 * not know; Kubernetes' own hostPath provisioner does the same). Intermediate directories get
 * 0755 so creating a volume never opens up unrelated parts of the tree. Existing directories
 * are never chmod-ed: their owner chose their permissions.
 */
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { VolumeSetupError } from '../errors';

/** Mode of a volume directory we create (see the file comment). */
export const VolumeDirMode = 0o777;
/** Mode of parent directories we create. */
export const ParentDirMode = 0o755;

/**
 * Checks the lexical rules (absolute, no `..`, not `/` unless `allowRoot`) and returns the
 * normalized path (no trailing slash, no `.` or duplicate slashes). `what` names the path in
 * messages.
 */
export function checkedHostPath(p: string, what: string, allowRoot = false): string {
  if (!p || !path.isAbsolute(p)) throw new VolumeSetupError(`${what} "${p}" must be an absolute path`);
  if (p.split('/').includes('..')) throw new VolumeSetupError(`${what} "${p}" must not contain ".."`);
  const norm = path.normalize(p).replace(/(.)\/+$/, '$1');
  if (norm === '/' && !allowRoot)
    throw new VolumeSetupError(`${what} "${p}" is the host's root directory; refusing to hand it to a container`);
  return norm;
}

/**
 * Makes sure `p` is a usable directory and returns its normalized path: validates it with
 * `checkedHostPath`, refuses symlinks anywhere along it (before creating anything, so a
 * symlinked parent cannot make us create directories elsewhere), creates it when missing and
 * `create` is true, and refuses anything that is not a directory.
 */
export async function prepareHostDir(p: string, opts: { create: boolean; what: string }): Promise<string> {
  const dir = checkedHostPath(p, opts.what);
  let existing = dir;
  while (!(await exists(existing))) existing = path.dirname(existing);
  await assertResolvesToItself(existing, dir, opts.what);
  if (existing !== dir) {
    if (!opts.create) throw new VolumeSetupError(`${opts.what} "${dir}" does not exist`);
    const cannot = (err: unknown): VolumeSetupError =>
      new VolumeSetupError(`cannot create ${opts.what} "${dir}": ${(err as Error).message}`);
    await mkdir(path.dirname(dir), { recursive: true, mode: ParentDirMode }).catch((err: unknown) => {
      throw cannot(err);
    });
    try {
      await mkdir(dir, { mode: VolumeDirMode });
      await chmod(dir, VolumeDirMode); // mkdir's mode is masked by the umask
    } catch (err) {
      // EEXIST: created concurrently (another pod's setUp); the checks below still apply.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannot(err);
    }
  }
  const st = await stat(dir).catch((err: unknown) => {
    throw new VolumeSetupError(`${opts.what} "${dir}" is not usable: ${(err as Error).message}`);
  });
  if (!st.isDirectory()) throw new VolumeSetupError(`${opts.what} "${dir}" exists but is not a directory`);
  await assertResolvesToItself(dir, dir, opts.what);
  return dir;
}

/** Resolves symlinks of an existing `base` (so configured roots may be symlinked). */
export async function resolvedRoot(base: string): Promise<string> {
  try {
    return await realpath(base);
  } catch {
    return path.normalize(base);
  }
}

async function assertResolvesToItself(existing: string, requested: string, what: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(existing);
  } catch (err) {
    throw new VolumeSetupError(
      `${what} "${requested}" cannot be resolved (${(err as NodeJS.ErrnoException).code ?? String(err)}); a dangling symlink?`,
    );
  }
  if (real !== existing) {
    throw new VolumeSetupError(
      `${what} "${requested}" goes through a symlink (${existing} resolves to ${real}); refusing it — give the resolved path instead`,
    );
  }
}

/** lstat-based: a symlink (even a dangling one) exists, so the symlink check sees it. */
async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; walk up to it and let mkdir report the problem.
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}
