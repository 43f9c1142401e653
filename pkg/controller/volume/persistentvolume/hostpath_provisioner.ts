/**
 * hostPath provisioner: a directory `<base>/<namespace>-<claim>-<pv>` where base is the class's
 * `path` parameter or the controller's --hostpath-base-dir.
 */
import path from 'node:path';
import type { PersistentVolume } from '../../../api/core/v1';
import { Annotation, Provisioner as Names, StorageType } from './constants';
import { createVolumeDir, emptyVolumeDir, removeVolumeDir } from './local_dirs';
import { baseAnnotation, ProvisioningError, safeSegment, type ProvisionRequest, type Provisioner } from './provisioner';

/** Provisions hostPath volumes under a base directory. */
export class HostPathProvisioner implements Provisioner {
  readonly type = StorageType.HostPath;

  constructor(private readonly defaultBase: string) {}

  private baseFor(param: string | undefined): string {
    const base = param ?? this.defaultBase;
    if (!path.isAbsolute(base) || base.split('/').includes('..')) throw new ProvisioningError(`hostPath base directory "${base}" must be absolute without ".."`);
    return path.normalize(base);
  }

  async provision(req: ProvisionRequest) {
    const base = this.baseFor(req.storageClass.parameters?.path);
    const dir = await createVolumeDir(base, safeSegment(req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName));
    return { source: { hostPath: { path: dir, type: 'DirectoryOrCreate' } }, annotations: { [baseAnnotation]: base } };
  }

  owns(pv: PersistentVolume): boolean {
    const annotations = pv.metadata.annotations;
    return annotations?.[Annotation.ProvisionedBy] === Names.HostPath && annotations[baseAnnotation] !== undefined && pv.spec.hostPath !== undefined;
  }

  private located(pv: PersistentVolume): { base: string; dir: string } {
    const dir = pv.spec.hostPath?.path ?? '';
    return { base: path.dirname(dir), dir };
  }

  async delete(pv: PersistentVolume): Promise<void> {
    await removeVolumeDir(this.baseOfProvisioned(pv), this.located(pv).dir);
  }

  async recycle(pv: PersistentVolume): Promise<void> {
    await emptyVolumeDir(this.baseOfProvisioned(pv), this.located(pv).dir);
  }

  /** The base recorded at provisioning time must still be the directory's parent. */
  private baseOfProvisioned(pv: PersistentVolume): string {
    const { base } = this.located(pv);
    const recorded = pv.metadata.annotations?.[baseAnnotation];
    if (!recorded) throw new ProvisioningError(`volume directory ${pv.spec.hostPath?.path ?? ''} has no recorded base (${baseAnnotation}): not provisioned here`);
    if (path.normalize(recorded) !== base) throw new ProvisioningError(`volume directory ${pv.spec.hostPath?.path ?? ''} is not under its recorded base ${recorded}`);
    return base;
  }
}
