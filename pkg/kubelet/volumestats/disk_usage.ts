/**
 * A bounded `du`: the bytes allocated (st_blocks × 512, as `du` counts) and the inodes used by a
 * directory tree, as Kubernetes' MetricsDu measures emptyDir and local volumes without quotas.
 * Asynchronous (never blocks the event loop for more than one readdir or lstat), does not follow
 * symlinks or leave the directory's filesystem, counts a hard-linked inode once, and stops
 * after `maxEntries` entries, `maxDepth` levels or `timeoutMs`: then `complete` is false and the
 * figures are a lower bound.
 *
 * The tree belongs to a pod that may change it while it is walked. Every directory is opened
 * (O_DIRECTORY | O_NOFOLLOW) through its parent's open descriptor (`/proc/self/fd/<fd>/<name>`)
 * and then listed and looked into through its own, so a directory swapped for a symlink after
 * its lstat, at any level, is refused (ELOOP/ENOTDIR) instead of walked: the walk never reads
 * outside the volume. It holds one descriptor per level it is in.
 */
import type { Dirent, Stats } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type Clock, realClock } from '../../util/clock/clock';

/** What a walk found. */
export interface DiskUsage {
  usedBytes: number;
  inodesUsed: number;
  /** False when the walk hit its entry, depth or time cap (figures are then a lower bound). */
  complete: boolean;
}

/** An open directory: `path` names it (and only it) until `close`. */
export interface OpenDir {
  path: string;
  close(): Promise<void>;
}

/** The filesystem calls the walk makes (injected: unit tests walk a fake tree). */
export interface WalkFs {
  lstat(p: string): Promise<Pick<Stats, 'dev' | 'ino' | 'blocks' | 'nlink' | 'isDirectory'>>;
  readdir(p: string): Promise<Pick<Dirent, 'name'>[]>;
  /** Opens the directory `p`, refusing a symlink as its last component. */
  openDir(p: string): Promise<OpenDir>;
}

/** The real filesystem. */
export const realWalkFs: WalkFs = {
  lstat: (p) => lstat(p),
  readdir: (p) => readdir(p, { withFileTypes: true }),
  openDir: async (p) => {
    const h = await open(p, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    return { path: `/proc/self/fd/${h.fd}`, close: () => h.close() };
  },
};

/** Limits of one walk. */
export interface WalkLimits {
  maxEntries: number;
  timeoutMs: number;
  /** Directory levels below the top (default 512). */
  maxDepth?: number;
  clock?: Clock;
  fs?: WalkFs;
}

type Stat = Awaited<ReturnType<WalkFs['lstat']>>;

/** One walk's running totals. */
class Walk {
  usedBytes = 0;
  inodesUsed = 0;
  complete = true;
  /** The entry or time cap was hit: nothing more is looked at (a deep directory only skips itself). */
  private stopped = false;
  private entries = 0;
  private readonly seen = new Set<string>();
  private readonly deadline: number;
  private readonly clock: Clock;

  constructor(
    private readonly fs: WalkFs,
    private readonly limits: WalkLimits,
    private readonly dev: number,
  ) {
    this.clock = limits.clock ?? realClock;
    this.deadline = this.clock.now() + limits.timeoutMs;
  }

  count(st: Pick<Stats, 'dev' | 'ino' | 'blocks' | 'nlink'>): void {
    if (st.nlink > 1) {
      const id = `${st.dev}:${st.ino}`;
      if (this.seen.has(id)) return;
      this.seen.add(id);
    }
    this.usedBytes += st.blocks * 512;
    this.inodesUsed++;
  }

  /** Walks the open directory `dir`, `depth` levels below the top. */
  async dir(dir: OpenDir, depth: number): Promise<void> {
    let names: Pick<Dirent, 'name'>[];
    try {
      names = await this.fs.readdir(dir.path);
    } catch {
      return; // removed meanwhile, or unreadable: skip, as du does
    }
    for (const e of names) {
      if (this.stopped) return;
      if (++this.entries > this.limits.maxEntries || this.clock.now() > this.deadline) {
        this.complete = false;
        this.stopped = true;
        return;
      }
      const p = path.join(dir.path, e.name);
      let st: Stat;
      try {
        st = await this.fs.lstat(p);
      } catch {
        continue;
      }
      if (st.dev !== this.dev) continue; // another filesystem mounted below: not this volume's
      this.count(st);
      if (st.isDirectory()) await this.child(p, depth + 1);
    }
  }

  private async child(p: string, depth: number): Promise<void> {
    if (depth > (this.limits.maxDepth ?? 512)) {
      this.complete = false;
      return;
    }
    let sub: OpenDir;
    try {
      sub = await this.fs.openDir(p);
    } catch {
      return; // gone, or no longer a directory (a symlink now): not walked
    }
    try {
      await this.dir(sub, depth);
    } finally {
      await sub.close();
    }
  }
}

/** Measures the tree under `dir` (the directory itself counts as one inode, as `du --inodes`). */
export async function diskUsage(dir: string, limits: WalkLimits): Promise<DiskUsage> {
  const fs = limits.fs ?? realWalkFs;
  const top = await fs.lstat(dir);
  const walk = new Walk(fs, limits, top.dev);
  walk.count(top);
  if (top.isDirectory()) {
    const opened = await fs.openDir(dir);
    try {
      await walk.dir(opened, 0);
    } finally {
      await opened.close();
    }
  }
  return { usedBytes: walk.usedBytes, inodesUsed: walk.inodesUsed, complete: walk.complete };
}
