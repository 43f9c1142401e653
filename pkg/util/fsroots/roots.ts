/**
 * Lexical rules for host paths that name (or lie under) an administrator-configured root
 * directory: what the apiserver can check about a StorageClass `parameters.path` without
 * touching the disk, and what the controller-manager checks before it resolves real paths.
 * No symlink is resolved here (see persistentvolume/volume_roots.ts for that).
 */
import path from 'node:path';

/** Why `p` cannot be used as a host path at all (undefined when it can). */
export function hostPathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'must not contain a NUL byte';
  if (!path.posix.isAbsolute(p)) return 'must be an absolute path';
  if (p.split('/').includes('..')) return 'must not contain ".."';
  return undefined;
}

/** Default of --hostpath-base-dir. */
export const defaultHostPathBaseDir = '/var/lib/kubestore/volumes';

/** True when `p` equals `root` (unless `strict`) or lies under it, comparing normalised paths. */
export function lexicallyWithin(p: string, root: string, strict: boolean): boolean {
  const rel = path.posix.relative(path.posix.normalize(root), path.posix.normalize(p));
  if (rel === '') return !strict;
  return rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel);
}

/**
 * Parses a comma-separated list of roots (a flag value): each must be an absolute path
 * without ".." or NUL and not "/"; empty items are ignored. Throws an Error naming the bad item.
 */
export function parseRoots(list: string): string[] {
  const roots: string[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const problem = hostPathProblem(item);
    if (problem) throw new Error(`root "${item}" ${problem}`);
    const norm = path.posix.normalize(item).replace(/(.)\/$/, '$1');
    if (norm === '/') throw new Error('root "/" is not allowed: it would allow every directory on the host');
    if (!roots.includes(norm)) roots.push(norm);
  }
  return roots;
}

/**
 * Checks a requested directory (a StorageClass `parameters.path`) against the roots: it must
 * be a usable host path equal to or under one of them. Returns why not, or undefined.
 */
export function requestedPathProblem(p: string, roots: readonly string[]): string | undefined {
  const problem = hostPathProblem(p);
  if (problem) return problem;
  if (roots.some((r) => lexicallyWithin(p, r, false))) return undefined;
  return `${p} is not under an allowed root (${roots.length ? roots.join(', ') : 'none configured'})`;
}
