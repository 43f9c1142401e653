/**
 * NFS provisioner: a subdirectory of the export. On the NFS server's own host
 * (IS_NFS_SERVER=true) the export is a local directory and the subdirectory is made there
 * directly. Elsewhere the export would have to be mounted to create it; where this machine's
 * kernel has no NFS client that fails with a clear ProvisioningFailed reason (and backs off).
 *
 * Path mapping: the server exports `exportRoot` (a local directory) as `exportPath`
 * (default /exports), so the PV path `/exports/a` is the local directory `<exportRoot>/a`.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../api/core/v1';
import { Annotation, Provisioner as Names, StorageType } from './constants';
import { createVolumeDir, emptyVolumeDir, removeVolumeDir } from './local_dirs';
import { baseAnnotation, ProvisioningError, safeSegment, type ProvisionRequest, type Provisioner } from './provisioner';

/** NFS settings (seed: NFS_SERVER, IS_NFS_SERVER). */
export interface NfsSettings {
  /** NFS_SERVER: the default server of provisioned volumes (default localhost). */
  server: string;
  /** IS_NFS_SERVER: this host is the NFS server and owns exportRoot. */
  isServer: boolean;
  /** Local directory backing the export on the server. */
  exportRoot: string;
  /** The path the export is published under (default /exports). */
  exportPath: string;
}

/** True when `server` names this host. */
export function isLocalServer(server: string, settings: NfsSettings): boolean {
  return ['localhost', '127.0.0.1', '::1', os.hostname(), settings.server].includes(server);
}

/** Maps an exported path to the local directory behind it; undefined when outside the export. */
export function localExportDir(exported: string, settings: NfsSettings): string | undefined {
  const norm = path.posix.normalize(exported);
  const rel = path.posix.relative(settings.exportPath, norm);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return undefined;
  return path.join(settings.exportRoot, rel);
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
export class NfsProvisioner implements Provisioner {
  readonly type = StorageType.NFS;

  constructor(private readonly settings: NfsSettings) {}

  async provision(req: ProvisionRequest) {
    const server = req.storageClass.parameters?.server ?? this.settings.server;
    const exported = req.storageClass.parameters?.path ?? this.settings.exportPath;
    const sub = safeSegment(req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName);
    const localBase = this.settings.isServer && isLocalServer(server, this.settings) ? localExportDir(exported, this.settings) : undefined;
    if (!localBase) {
      const why = (await kernelSupportsNfs())
        ? `mounting ${server}:${exported} to create the volume directory is not supported by this controller`
        : `this machine's kernel has no NFS client (no nfs in /proc/filesystems), so ${server}:${exported} cannot be mounted to create the volume directory; run the controller-manager with IS_NFS_SERVER=true on the NFS server`;
      throw new ProvisioningError(why);
    }
    await createVolumeDir(localBase, sub);
    return {
      source: { nfs: { server, path: path.posix.join(exported, sub) } },
      annotations: { [baseAnnotation]: localBase },
    };
  }

  owns(pv: PersistentVolume): boolean {
    return pv.metadata.annotations?.[Annotation.ProvisionedBy] === Names.NFS && pv.spec.nfs !== undefined;
  }

  private localDir(pv: PersistentVolume): { base: string; dir: string } {
    const nfs = pv.spec.nfs;
    const dir = nfs && this.settings.isServer && isLocalServer(nfs.server, this.settings) ? localExportDir(nfs.path, this.settings) : undefined;
    const base = pv.metadata.annotations?.[baseAnnotation];
    if (!dir || !base) throw new ProvisioningError(`the export of ${nfs?.server ?? ''}:${nfs?.path ?? ''} is not local to this controller (IS_NFS_SERVER=${String(this.settings.isServer)})`);
    return { base, dir };
  }

  async delete(pv: PersistentVolume): Promise<void> {
    const { base, dir } = this.localDir(pv);
    await removeVolumeDir(base, dir);
  }

  async recycle(pv: PersistentVolume): Promise<void> {
    const { base, dir } = this.localDir(pv);
    await emptyVolumeDir(base, dir);
  }
}
