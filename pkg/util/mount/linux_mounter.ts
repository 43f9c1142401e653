/**
 * The real Mounter: runs mount(8)/umount(8) and reads /proc. NFS support is checked before
 * trying, so a kernel without an NFS client yields `NfsUnsupportedError` (a clear FailedMount
 * event) instead of mount's cryptic "unknown filesystem type".
 */
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseMountInfo } from './mountinfo';
import {
  isNfsFsType,
  MountError,
  MountErrorReason,
  NfsUnsupportedError,
  type MountPoint,
  type Mounter,
} from './mounter';

/** Options of `LinuxMounter` (paths are injectable for tests). */
export interface LinuxMounterOptions {
  mountBin?: string;
  umountBin?: string;
  mountInfoPath?: string;
  filesystemsPath?: string;
  /** Directory of kernel modules (`/lib/modules/<release>`), for loadable NFS support. */
  modulesDir?: string;
  /** Longest a mount/umount may take (an unreachable NFS server can hang; default 60s). */
  timeoutMs?: number;
}

/** True when /proc/filesystems text lists nfs or nfs4. */
export function filesystemsListNfs(text: string): boolean {
  return text.split('\n').some((line) => {
    const fs = line.trim().split(/\s+/).pop();
    return fs !== undefined && isNfsFsType(fs);
  });
}

/** True when a modules.dep/modules.builtin text has the NFS client module. */
export function modulesHaveNfs(text: string): boolean {
  return /(^|\/)fs\/nfs\/nfs(v4)?\.ko/m.test(text);
}

/** See the file comment. */
export class LinuxMounter implements Mounter {
  private readonly mountBin: string;
  private readonly umountBin: string;
  private readonly mountInfoPath: string;
  private readonly filesystemsPath: string;
  private readonly modulesDir: string;
  private readonly timeoutMs: number;

  constructor(options: LinuxMounterOptions = {}) {
    this.mountBin = options.mountBin ?? 'mount';
    this.umountBin = options.umountBin ?? 'umount';
    this.mountInfoPath = options.mountInfoPath ?? '/proc/self/mountinfo';
    this.filesystemsPath = options.filesystemsPath ?? '/proc/filesystems';
    this.modulesDir = options.modulesDir ?? path.join('/lib/modules', os.release());
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async mount(source: string, target: string, fsType: string, options: string[]): Promise<void> {
    if (isNfsFsType(fsType) && !(await this.nfsSupported())) throw new NfsUnsupportedError(source);
    const args = ['-t', fsType, ...(options.length > 0 ? ['-o', options.join(',')] : []), source, target];
    try {
      await this.run(this.mountBin, args);
    } catch (err) {
      throw new MountError(
        MountErrorReason.MountFailed,
        `mount -t ${fsType} ${source} ${target} failed: ${errorText(err)}`,
      );
    }
  }

  async unmount(target: string): Promise<void> {
    if (!(await this.isMountPoint(target))) return;
    try {
      await this.run(this.umountBin, [target]);
    } catch (err) {
      throw new MountError(MountErrorReason.UnmountFailed, `umount ${target} failed: ${errorText(err)}`);
    }
  }

  async isMountPoint(p: string): Promise<boolean> {
    let real: string;
    try {
      real = await realpath(p);
    } catch {
      return false;
    }
    return (await this.list()).some((m) => m.mountPoint === real);
  }

  async list(): Promise<MountPoint[]> {
    return parseMountInfo(await readFile(this.mountInfoPath, 'utf8'));
  }

  async nfsSupported(): Promise<boolean> {
    if (filesystemsListNfs(await readOptional(this.filesystemsPath))) return true;
    // Not registered yet but loadable: mount(8) has the kernel load it on first use.
    for (const f of ['modules.builtin', 'modules.dep']) {
      if (modulesHaveNfs(await readOptional(path.join(this.modulesDir, f)))) return true;
    }
    return false;
  }

  private run(bin: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(bin, args, { timeout: this.timeoutMs }, (err, _stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr: String(stderr) }));
        else resolve();
      });
    });
  }
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

function errorText(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  if (typeof stderr === 'string' && stderr.trim()) return stderr.trim();
  return err instanceof Error ? err.message : String(err);
}
