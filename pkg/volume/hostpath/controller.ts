/**
 * hostPath provisioner: a directory `<base>/<namespace>-<claim>-<pv>` where base is the class's
 * `path` parameter or the controller's --hostpath-base-dir. A class path must be equal to or
 * under the base dir or one of --hostpath-allowed-roots (else ProvisioningFailed); volume
 * directories are strictly under one of them. Delete and Recycle go through the reclaim guard.
 */
import type { PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { requestedPathProblem } from '../../util/fsroots/roots';
import { Annotation, Provisioner as Names, StorageType } from '../../controller/volume/persistentvolume/constants';
import { createVolumeDir, emptyVolumeDirChecked, removeVolumeDirChecked } from '../dirs/volume_dirs';
import { ProvisioningError, safeSegment, type ProvisionRequest, type Provisioner } from '../controller_service';
import type { ProvisioningRecords } from '../dirs/provisioning_records';
import { adoptRecord, type GuardContext } from '../dirs/reclaim_guard';

/** Configuration of the hostPath provisioner. */
export interface HostPathOptions {
  /** --hostpath-base-dir: where volumes of classes without a `path` go. */
  baseDir: string;
  /** --hostpath-allowed-roots: further roots a class `path` may name. */
  allowedRoots: readonly string[];
  records: ProvisioningRecords;
}

/** Provisions hostPath volumes under the allowed roots. */
export class HostPathProvisioner implements Provisioner {
  readonly type = StorageType.HostPath;
  private readonly guard: GuardContext;

  constructor(private readonly o: HostPathOptions) {
    this.guard = { records: o.records, roots: [o.baseDir, ...o.allowedRoots], type: StorageType.HostPath };
  }

  async provision(req: ProvisionRequest) {
    const base = req.storageClass.parameters?.path ?? this.o.baseDir;
    const problem = requestedPathProblem(base, this.guard.roots);
    if (problem) throw new ProvisioningError(`parameters.path: ${problem} (see --hostpath-allowed-roots)`);
    const dir = await createVolumeDir(
      base,
      safeSegment(req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName),
      this.guard,
    );
    return {
      source: { hostPath: { path: dir.path, type: 'DirectoryOrCreate' } },
      annotations: {},
      localPath: dir.real,
    };
  }

  owns(pv: DeepReadonly<PersistentVolume>): boolean {
    return pv.metadata.annotations?.[Annotation.ProvisionedBy] === Names.HostPath && pv.spec.hostPath !== undefined;
  }

  async adopt(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    if (pv.spec.hostPath) await adoptRecord(pv, pv.spec.hostPath.path, this.guard);
  }

  async delete(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await removeVolumeDirChecked(pv, pv.spec.hostPath?.path ?? '', this.guard);
  }

  async recycle(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await emptyVolumeDirChecked(pv, pv.spec.hostPath?.path ?? '', this.guard);
  }
}
