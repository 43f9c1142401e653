/**
 * Where volume directories may be: strictly under one of the roots the controller-manager was
 * configured with (--hostpath-base-dir and --hostpath-allowed-roots for hostPath,
 * --nfs-export-root for NFS), judged on real paths (symlinks resolved, ".." normalised), never
 * on what a PV or StorageClass says.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { lexicallyWithin } from '../../util/fsroots/roots';

/** A path resolved against the disk. */
export interface Located {
  /** The real path: of `p` itself when it exists, else of its deepest existing ancestor joined with the rest. */
  real: string;
  exists: boolean;
  /** The real path of the root `real` lies strictly under (undefined: none). */
  root?: string;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The real path of `p` (see Located.real). `p` must be absolute. */
export async function resolvePath(p: string): Promise<{ real: string; exists: boolean }> {
  const norm = path.resolve(p);
  const rest: string[] = [];
  let cur = norm;
  for (;;) {
    try {
      const real = await realpath(cur);
      return { real: path.join(real, ...rest), exists: rest.length === 0 };
    } catch (err) {
      if (!isMissing(err) || cur === '/') throw err;
      rest.unshift(path.basename(cur));
      cur = path.dirname(cur);
    }
  }
}

/** The real paths of the roots that exist (a missing root contains nothing). */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) {
    try {
      out.push(await realpath(r));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  return out;
}

/** Resolves `p` and finds the root it lies strictly under. */
export async function locate(p: string, roots: readonly string[]): Promise<Located> {
  const { real, exists } = await resolvePath(p);
  const root = (await realRoots(roots)).find((r) => lexicallyWithin(real, r, true));
  return { real, exists, ...(root ? { root } : {}) };
}

/** Human-readable list of roots for messages. */
export function describeRoots(roots: readonly string[]): string {
  return roots.length ? roots.join(', ') : 'none configured';
}
