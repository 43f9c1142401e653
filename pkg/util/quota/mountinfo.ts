/**
 * /proc/self/mountinfo (proc(5)): one mount per line,
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent major:minor root mount-point mount-options optional-fields… - fstype source super-options
 * Paths escape space, tab, newline and backslash as \040, \011, \012, \134.
 */
import path from 'node:path';

/** One mount of the mount table. */
export interface MountInfo {
  mountPoint: string;
  /** Per-mount options (rw, noatime, …). */
  mountOptions: string[];
  fsType: string;
  source: string;
  /** Filesystem (superblock) options: where ext4 and XFS list their quota options. */
  superOptions: string[];
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Parses mountinfo text; malformed lines are skipped. */
export function parseMountinfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const sep = fields.indexOf('-', 6);
    if (fields.length < 10 || sep < 0 || fields.length < sep + 3) continue;
    const mountPoint = fields[4];
    const fsType = fields[sep + 1];
    if (!mountPoint || !fsType) continue;
    out.push({
      mountPoint: unescapeOctal(mountPoint),
      mountOptions: (fields[5] ?? '').split(','),
      fsType,
      source: unescapeOctal(fields[sep + 2] ?? ''),
      superOptions: (fields[sep + 3] ?? '').split(',').filter((o) => o !== ''),
    });
  }
  return out;
}

/**
 * The mount a (real, absolute) path lives on: the last-listed mount whose mount point is the
 * path or an ancestor of it, the deepest winning (later mounts stack over earlier ones).
 */
export function mountOf(realPath: string, mounts: readonly MountInfo[]): MountInfo | undefined {
  const p = path.resolve(realPath);
  let best: MountInfo | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const within = mp === '/' || p === mp || p.startsWith(`${mp}/`);
    if (within && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
