/**
 * A bounded `du`: the bytes allocated (st_blocks × 512, as `du` counts) and the inodes used by a
 * directory tree, as Kubernetes' MetricsDu measures emptyDir and local volumes without quotas.
 * Asynchronous (never blocks the event loop for more than one readdir or lstat), does not follow
 * symlinks or leave the directory's filesystem, counts a hard-linked inode once, and stops
 * after `maxEntries` entries or `timeoutMs`: then `complete` is false and the figures are a
 * lower bound.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type Clock, realClock } from '../../util/clock/clock';

/** What a walk found. */
export interface DiskUsage {
  usedBytes: number;
  inodesUsed: number;
  /** False when the walk hit its entry or time cap (figures are then a lower bound). */
  complete: boolean;
}

/** The filesystem calls the walk makes (injected: unit tests walk a fake tree). */
export interface WalkFs {
  lstat(p: string): Promise<Pick<Stats, 'dev' | 'ino' | 'blocks' | 'nlink' | 'isDirectory'>>;
  readdir(p: string): Promise<Pick<Dirent, 'name'>[]>;
}

/** The real filesystem. */
export const realWalkFs: WalkFs = {
  lstat: (p) => lstat(p),
  readdir: (p) => readdir(p, { withFileTypes: true }),
};

/** Limits of one walk. */
export interface WalkLimits {
  maxEntries: number;
  timeoutMs: number;
  clock?: Clock;
  fs?: WalkFs;
}

/** Measures the tree under `dir` (the directory itself counts as one inode, as `du --inodes`). */
export async function diskUsage(dir: string, limits: WalkLimits): Promise<DiskUsage> {
  const fs = limits.fs ?? realWalkFs;
  const clock = limits.clock ?? realClock;
  const deadline = clock.now() + limits.timeoutMs;
  const top = await fs.lstat(dir);
  const seen = new Set<string>();
  let usedBytes = 0;
  let inodesUsed = 0;
  let entries = 0;
  const count = (st: Pick<Stats, 'dev' | 'ino' | 'blocks' | 'nlink'>): void => {
    if (st.nlink > 1) {
      const id = `${st.dev}:${st.ino}`;
      if (seen.has(id)) return;
      seen.add(id);
    }
    usedBytes += st.blocks * 512;
    inodesUsed++;
  };
  count(top);
  const stack = top.isDirectory() ? [dir] : [];
  while (stack.length > 0) {
    const d = stack.pop() ?? '';
    let names: Pick<Dirent, 'name'>[];
    try {
      names = await fs.readdir(d);
    } catch {
      continue; // removed meanwhile, or unreadable: skip, as du does
    }
    for (const e of names) {
      if (++entries > limits.maxEntries || clock.now() > deadline) return { usedBytes, inodesUsed, complete: false };
      const p = path.join(d, e.name);
      let st: Awaited<ReturnType<WalkFs['lstat']>>;
      try {
        st = await fs.lstat(p);
      } catch {
        continue;
      }
      if (st.dev !== top.dev) continue; // another filesystem mounted below: not this volume's
      count(st);
      if (st.isDirectory()) stack.push(p);
    }
  }
  return { usedBytes, inodesUsed, complete: true };
}
