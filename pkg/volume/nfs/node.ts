/**
 * The NFS driver's node half.
 *
 * Export path mapping (the same as the controller-manager's NFS provisioner): the NFS server
 * exports its local directory `exportRoot` under the path `exportPath` (default `/exports`), so
 * a PV with `nfs.path: /exports/a/b` is the server-local directory `<exportRoot>/a/b`, and
 * `nfs.path: /exports` is `exportRoot` itself. Paths outside `exportPath` are not ours.
 *
 * Two ways to set a volume up:
 * - Server-local: this kubelet runs on the NFS server (`IS_NFS_SERVER=true`) and the PV's server
 *   names this host (localhost, 127.0.0.1, ::1, NFS_SERVER or os.hostname()). The export's
 *   local subdirectory is bound directly (created when missing, with the same path rules as
 *   hostPath). Nothing is mounted, so this works on kernels without an NFS client.
 * - Remote: `server:path` is mounted once per PV on `<rootDir>/plugins/kubernetes.io~nfs/mounts/<pv>`
 *   and shared by every pod on this node that uses the PV. Pods are reference-counted: the
 *   first setUp mounts, the last tearDown unmounts. On a kernel without an NFS client setUp
 *   throws `NfsUnsupportedError` (the pod gets a FailedMount event saying so).
 *
 * Reference counts live in memory. After a kubelet restart they are rebuilt by calling setUp
 * again for each pod still using a volume (idempotent: an existing mount is reused) or with
 * `reconstruct`; `mountedVolumes` lists what the mount table says is mounted, so the volume
 * manager can also find and unmount volumes no pod needs any more.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { PersistentVolume } from '../../api/core/v1';
import { NfsUnsupportedError, type Mounter } from '../../util/mount/mounter';
import { checkedHostPath, prepareHostDir, resolvedRoot } from '../dirs/host_dirs';
import { KeyedMutex } from './keyed_mutex';
import { VolumeSetupError } from '../errors';
import type { NodeService, PublishedVolume, VolumeContext } from '../node_service';
import { pvName } from '../node_service';
import { DefaultNfsExportPath, DefaultNfsExportRoot, exportedToLocal, isLocalNfsServer, nfsIdentity } from './identity';

/** Options of `NfsNode`. */
export interface NfsNodeOptions {
  /** IS_NFS_SERVER: this host is the NFS server and owns `exportRoot`. */
  isNfsServer: boolean;
  /** NFS_SERVER: this host's name as an NFS server (default `localhost`). */
  nfsServer?: string;
  /** Local directory backing the export (default /var/lib/kubestore/nfs-export). */
  exportRoot?: string;
  /** Path the export is published under (default /exports). */
  exportPath?: string;
  mounter: Mounter;
  /** This host's name (default os.hostname()). */
  hostname?: string;
}

/** The seed's environment variables → the env part of the NFS settings. */
export function nfsEnvOptions(env: NodeJS.ProcessEnv): { isNfsServer: boolean; nfsServer: string } {
  const flag = (env.IS_NFS_SERVER ?? '').trim().toLowerCase();
  return {
    isNfsServer: flag === 'true' || flag === '1' || flag === 'yes',
    nfsServer: env.NFS_SERVER?.trim() || 'localhost',
  };
}

/** A PV's NFS mount found in the mount table. */
export interface MountedNfsVolume {
  pvName: string;
  mountPoint: string;
  /** `server:path` as the mount table shows it. */
  source: string;
}

/** See the file comment. */
export class NfsNode implements NodeService {
  private readonly isNfsServer: boolean;
  private readonly nfsServer: string;
  private readonly exportRoot: string;
  private readonly exportPath: string;
  private readonly mounter: Mounter;
  private readonly hostname: string;
  private readonly lock = new KeyedMutex();
  /** PV name → uids of the pods using its shared mount. */
  private readonly users = new Map<string, Set<string>>();

  constructor(options: NfsNodeOptions) {
    this.isNfsServer = options.isNfsServer;
    this.nfsServer = options.nfsServer ?? 'localhost';
    this.exportRoot = options.exportRoot ?? DefaultNfsExportRoot;
    this.exportPath = checkedHostPath(options.exportPath ?? DefaultNfsExportPath, 'NFS export path', true);
    this.mounter = options.mounter;
    this.hostname = options.hostname ?? '';
  }

  /** True when `server` names this host. */
  isLocalServer(server: string): boolean {
    return isLocalNfsServer(server, this.nfsServer, this.hostname || undefined);
  }

  /** True when this kubelet binds the PV's export directly instead of mounting it. */
  servesLocally(pv: PersistentVolume): boolean {
    return this.isNfsServer && pv.spec.nfs !== undefined && this.isLocalServer(pv.spec.nfs.server);
  }

  /**
   * The server-local directory behind an exported path (see the mapping in the file comment);
   * throws VolumeSetupError for a path outside the export. Does not touch the filesystem.
   */
  localExportDir(exported: string, root: string = this.exportRoot): string {
    const local = exportedToLocal(checkedHostPath(exported, 'NFS path', true), this.exportPath, root);
    if (local === undefined)
      throw new VolumeSetupError(
        `NFS path "${exported}" is outside the export "${this.exportPath}" served by this host`,
      );
    return local;
  }

  /** The shared mount point of a PV: `<rootDir>/plugins/kubernetes.io~nfs/mounts/<pv>`. */
  mountPointFor(rootDir: string, pv: string): string {
    if (!pv || pv === '.' || pv === '..' || pv.includes('/'))
      throw new VolumeSetupError(`invalid PersistentVolume name "${pv}"`);
    return path.join(pluginMountsDir(rootDir), pv);
  }

  async publishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<PublishedVolume> {
    const nfs = pv.spec.nfs;
    if (!nfs) throw new VolumeSetupError(`PersistentVolume "${pvName(pv)}" has no nfs source`);
    const readOnly = ctx.readOnly || nfs.readOnly === true;
    if (this.servesLocally(pv)) {
      const dir = this.localExportDir(nfs.path, await resolvedRoot(this.exportRoot));
      const hostPath = await prepareHostDir(dir, {
        create: true,
        what: `NFS export directory of PersistentVolume "${pvName(pv)}"`,
      });
      return { hostPath, readOnly };
    }
    const name = pvName(pv);
    const mountPoint = this.mountPointFor(ctx.rootDir, name);
    const source = nfsSource(nfs.server, checkedHostPath(nfs.path, 'NFS path', true));
    return this.lock.run(name, async () => {
      if (!(await this.mounter.isMountPoint(mountPoint))) {
        // Check first, so a kernel without NFS leaves no empty mount point behind.
        if (!(await this.mounter.nfsSupported())) throw new NfsUnsupportedError(source);
        await mkdir(mountPoint, { recursive: true, mode: 0o750 });
        try {
          await this.mounter.mount(source, mountPoint, 'nfs', mountOptions(pv));
        } catch (err) {
          await removeEmptyDir(mountPoint);
          throw err;
        }
      }
      this.usersOf(name).add(ctx.podUid);
      return { hostPath: mountPoint, readOnly };
    });
  }

  async unpublishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<void> {
    if (!pv.spec.nfs || this.servesLocally(pv)) return;
    const name = pvName(pv);
    const mountPoint = this.mountPointFor(ctx.rootDir, name);
    await this.lock.run(name, async () => {
      const users = this.usersOf(name);
      users.delete(ctx.podUid);
      if (users.size > 0) return;
      this.users.delete(name);
      await this.mounter.unmount(mountPoint);
      await removeEmptyDir(mountPoint);
    });
  }

  /** Uids of the pods this plugin counts as using the PV's shared mount. */
  podsUsing(pv: string): string[] {
    return [...(this.users.get(pv) ?? [])].sort();
  }

  /** Replaces the users of a PV's shared mount (rebuilding counts after a restart). */
  reconstruct(pv: string, podUids: Iterable<string>): void {
    const set = new Set(podUids);
    if (set.size === 0) this.users.delete(pv);
    else this.users.set(pv, set);
  }

  /** The PV mounts under `<rootDir>/plugins/kubernetes.io~nfs/mounts/`, per the mount table. */
  async mountedVolumes(rootDir: string): Promise<MountedNfsVolume[]> {
    const dir = pluginMountsDir(await resolvedRoot(rootDir));
    return (await this.mounter.list())
      .filter((m) => path.dirname(m.mountPoint) === dir)
      .map((m) => ({ pvName: path.basename(m.mountPoint), mountPoint: m.mountPoint, source: m.source }));
  }

  /**
   * Restart cleanup: unmounts every PV mount under `rootDir` (per the mount table) that no pod
   * counted by this plugin uses and that is not in `keep` (PVs of pods still assigned here).
   * Returns the PV names it unmounted.
   */
  async cleanupOrphans(rootDir: string, keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const m of await this.mountedVolumes(rootDir)) {
      if (keep.has(m.pvName)) continue;
      await this.lock.run(m.pvName, async () => {
        if ((this.users.get(m.pvName)?.size ?? 0) > 0) return;
        await this.mounter.unmount(m.mountPoint);
        await removeEmptyDir(m.mountPoint);
        removed.push(m.pvName);
      });
    }
    return removed;
  }

  private usersOf(pv: string): Set<string> {
    let set = this.users.get(pv);
    if (!set) {
      set = new Set();
      this.users.set(pv, set);
    }
    return set;
  }
}

/** `<rootDir>/plugins/kubernetes.io~nfs/mounts`. */
export function pluginMountsDir(rootDir: string): string {
  return path.join(rootDir, 'plugins', nfsIdentity.pluginName.replace('/', '~'), 'mounts');
}

/** `server:/path`, bracketing IPv6 literals. */
export function nfsSource(server: string, exported: string): string {
  const host = server.includes(':') && !server.startsWith('[') ? `[${server}]` : server;
  return `${host}:${exported}`;
}

/** The PV's mountOptions, plus `ro` for a read-only NFS source unless already specified. */
function mountOptions(pv: PersistentVolume): string[] {
  const opts = [...(pv.spec.mountOptions ?? [])];
  if (pv.spec.nfs?.readOnly && !opts.includes('ro') && !opts.includes('rw')) opts.push('ro');
  return opts;
}

async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // Missing, not empty, or still a mount point: leave it; a later tearDown retries.
  }
}
