/**
 * The NFS driver's controller half: a subdirectory of the export. On the NFS server's own host
 * (IS_NFS_SERVER=true) the export is a local directory and the subdirectory is made there
 * directly. Elsewhere the export would have to be mounted to create it; where this machine's
 * kernel has no NFS client that fails with a clear ProvisioningFailed reason (and backs off).
 *
 * Path mapping: the server exports `exportRoot` (a local directory) as `exportPath`
 * (default /exports), so the PV path `/exports/a` is the local directory `<exportRoot>/a`.
 * The export root is the only root: Delete and Recycle go through the reclaim guard with it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { hostPathProblem } from '../../util/fsroots/roots';
import { createVolumeDir, emptyVolumeDirChecked, removeVolumeDirChecked, safeSegment } from '../dirs/volume_dirs';
import type { ControllerService, CreateVolumeRequest } from '../controller_service';
import { ProvisioningError, ReclaimRefusal } from '../errors';
import { checkFitsFilesystem, type ControllerExpansion, VolumeExpansionError } from '../expansion';
import { exportedToLocal, isLocalNfsServer, nfsIdentity, type NfsSettings } from './identity';
import type { ProvisioningRecords } from '../dirs/provisioning_records';
import { adoptRecord, type GuardContext } from '../dirs/reclaim_guard';

/** True when `server` names this host. */
function isLocalServer(server: string, settings: NfsSettings): boolean {
  return isLocalNfsServer(server, settings.server);
}

/** Maps an exported path to the local directory behind it; undefined when outside the export (or with "..", NUL, relative). */
export function localExportDir(exported: string, settings: NfsSettings): string | undefined {
  if (hostPathProblem(exported)) return undefined;
  return exportedToLocal(path.posix.normalize(exported), settings.exportPath, settings.exportRoot);
}

/** True when the running kernel can mount NFS. */
async function kernelSupportsNfs(): Promise<boolean> {
  try {
    return /\bnfs4?\b/.test(await readFile('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

/** Provisions NFS volumes as subdirectories of an export. */
export class NfsController implements ControllerService {
  private readonly guard: GuardContext;

  constructor(
    private readonly settings: NfsSettings,
    records: ProvisioningRecords,
  ) {
    this.guard = {
      records,
      roots: [settings.exportRoot],
      identity: nfsIdentity,
    };
  }

  async createVolume(req: CreateVolumeRequest) {
    const server = req.storageClass.parameters?.server ?? this.settings.server;
    const exported = req.storageClass.parameters?.path ?? this.settings.exportPath;
    const sub = safeSegment(req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName);
    const problem = hostPathProblem(exported);
    if (problem) throw new ProvisioningError(`parameters.path "${exported}" ${problem}`);
    const localBase =
      this.settings.isServer && isLocalServer(server, this.settings)
        ? localExportDir(exported, this.settings)
        : undefined;
    if (!localBase) {
      const why = (await kernelSupportsNfs())
        ? `mounting ${server}:${exported} to create the volume directory is not supported by this controller`
        : `this machine's kernel has no NFS client (no nfs in /proc/filesystems), so ${server}:${exported} cannot be mounted to create the volume directory; run the controller-manager with IS_NFS_SERVER=true on the NFS server`;
      throw new ProvisioningError(why);
    }
    const dir = await createVolumeDir(localBase, sub, this.guard);
    return { source: { nfs: { server, path: path.posix.join(exported, sub) } }, annotations: {}, localPath: dir.real };
  }

  /** The local directory behind the PV's export path; undefined when it is not local to this controller. */
  private localDir(pv: DeepReadonly<PersistentVolume>): string | undefined {
    const nfs = pv.spec.nfs;
    return nfs && this.settings.isServer && isLocalServer(nfs.server, this.settings)
      ? localExportDir(nfs.path, this.settings)
      : undefined;
  }

  private mustBeLocal(pv: DeepReadonly<PersistentVolume>): string {
    const dir = this.localDir(pv);
    const nfs = pv.spec.nfs;
    if (!dir)
      throw new ReclaimRefusal(
        `its export ${nfs?.server ?? ''}:${nfs?.path ?? ''} is not a directory of this NFS server's export ${this.settings.exportPath} (IS_NFS_SERVER=${String(this.settings.isServer)})`,
      );
    return dir;
  }

  async adoptVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    const dir = this.localDir(pv);
    if (dir) await adoptRecord(pv, dir, this.guard);
  }

  async deleteVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await removeVolumeDirChecked(pv, this.mustBeLocal(pv), this.guard);
  }

  async recycleVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await emptyVolumeDirChecked(pv, this.mustBeLocal(pv), this.guard);
  }

  /**
   * Online expansion, done here (as csi-driver-nfs does: nodeExpansionRequired false): an
   * export subdirectory has no filesystem of its own for clients to grow. On the server the
   * size must fit the export's filesystem; elsewhere the export cannot be looked at, and the
   * new size is taken as is.
   */
  expandVolume = async (pv: DeepReadonly<PersistentVolume>, capacity: string): Promise<ControllerExpansion> => {
    if (!pv.spec.nfs)
      throw new VolumeExpansionError(`PersistentVolume "${pv.metadata.name ?? ''}" has no nfs source`, true);
    const dir = this.localDir(pv);
    if (dir) await checkFitsFilesystem(dir, capacity, `the NFS export directory ${pv.spec.nfs.path}`);
    return { capacity, nodeExpansionRequired: false };
  };
}
