/**
 * Parser for /proc/<pid>/mountinfo (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)   (4)   (5)      (6)       (7)   (8) (9)   (10)       (11)
 *
 * (7) is zero or more optional fields ended by the `-` separator (8). Paths escape space, tab,
 * newline and backslash as octal (`\040`, `\011`, `\012`, `\134`).
 */
import type { MountPoint } from './mounter';

/** Decodes the kernel's octal escapes (`\040` → space). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses one mountinfo line; throws on a malformed line (the caller reports the text). */
export function parseMountInfoLine(line: string): MountPoint {
  const fields = line.trim().split(' ');
  const sep = fields.indexOf('-', 6);
  const [id, parent, device, root, mountPoint, options] = fields;
  const [fsType, source, superOptions] = sep < 0 ? [] : fields.slice(sep + 1);
  if (
    sep < 0 ||
    id === undefined ||
    parent === undefined ||
    device === undefined ||
    root === undefined ||
    mountPoint === undefined ||
    options === undefined ||
    fsType === undefined ||
    source === undefined
  ) {
    throw new Error(`malformed mountinfo line: ${JSON.stringify(line)}`);
  }
  return {
    id: Number(id),
    parentId: Number(parent),
    device,
    root: unescapeMountPath(root),
    mountPoint: unescapeMountPath(mountPoint),
    options: options.split(','),
    fsType,
    source: unescapeMountPath(source),
    superOptions: superOptions ? superOptions.split(',') : [],
  };
}

/** Parses a whole mountinfo file (blank lines ignored). */
export function parseMountInfo(text: string): MountPoint[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseMountInfoLine);
}
