/**
 * An in-memory Mounter for unit tests: a mount table the test can seed and inspect, a switch
 * for kernel NFS support, and injectable failures. It never touches the host.
 */
import path from 'node:path';
import {
  isNfsFsType,
  MountError,
  MountErrorReason,
  NfsUnsupportedError,
  type MountPoint,
  type Mounter,
} from './mounter';

/** One recorded mount/unmount. */
export type FakeMountAction =
  | { action: 'mount'; source: string; target: string; fsType: string; options: string[] }
  | { action: 'unmount'; target: string };

/** See the file comment. */
export class FakeMounter implements Mounter {
  /** The mount table, in mount order. */
  readonly mounts: MountPoint[] = [];
  /** Every mount/unmount that changed the table, in order. */
  readonly log: FakeMountAction[] = [];
  /** Whether the "kernel" has an NFS client. */
  nfs: boolean;
  /** When set, the next mount throws this. */
  failNextMount: Error | undefined;
  private nextId = 100;

  constructor(
    options: {
      nfsSupported?: boolean;
      mounts?: Omit<MountPoint, 'id' | 'parentId' | 'device' | 'root' | 'superOptions'>[];
    } = {},
  ) {
    this.nfs = options.nfsSupported ?? true;
    for (const m of options.mounts ?? []) this.add(m.source, m.mountPoint, m.fsType, m.options);
  }

  async mount(source: string, target: string, fsType: string, options: string[]): Promise<void> {
    if (isNfsFsType(fsType) && !this.nfs) throw new NfsUnsupportedError(source);
    const fail = this.failNextMount;
    if (fail) {
      this.failNextMount = undefined;
      throw fail;
    }
    this.log.push({ action: 'mount', source, target, fsType, options: [...options] });
    this.add(source, target, fsType, options);
  }

  async unmount(target: string): Promise<void> {
    const t = path.resolve(target);
    // Like umount(8): the most recent mount on the target goes.
    for (let i = this.mounts.length - 1; i >= 0; i--) {
      if (this.mounts[i]?.mountPoint === t) {
        this.mounts.splice(i, 1);
        this.log.push({ action: 'unmount', target: t });
        return;
      }
    }
  }

  async isMountPoint(p: string): Promise<boolean> {
    const t = path.resolve(p);
    return this.mounts.some((m) => m.mountPoint === t);
  }

  async list(): Promise<MountPoint[]> {
    return this.mounts.map((m) => ({ ...m, options: [...m.options], superOptions: [...m.superOptions] }));
  }

  async nfsSupported(): Promise<boolean> {
    return this.nfs;
  }

  /** Mount points currently mounted (normalized). */
  mountPoints(): string[] {
    return this.mounts.map((m) => m.mountPoint);
  }

  private add(source: string, target: string, fsType: string, options: string[]): void {
    if (!path.isAbsolute(target))
      throw new MountError(MountErrorReason.MountFailed, `fake: mount target ${target} is not absolute`);
    this.mounts.push({
      id: this.nextId++,
      parentId: 1,
      device: '0:0',
      root: '/',
      mountPoint: path.resolve(target),
      options: [...options],
      fsType,
      source,
      superOptions: [],
    });
  }
}
