/**
 * The hostPath driver's controller half: a directory `<base>/<namespace>-<claim>-<pv>` where base is the class's
 * `path` parameter or the controller's --hostpath-base-dir. A class path must be equal to or
 * under the base dir or one of --hostpath-allowed-roots (else ProvisioningFailed); volume
 * directories are strictly under one of them. Delete and Recycle go through the reclaim guard.
 * Asked for a topology (a WaitForFirstConsumer claim's selected node), the volume is reported
 * reachable from that segment only, so its PV is pinned to that node. Expansion is online and
 * controller-only (see expandVolume).
 */
import path from 'node:path';
import type { PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { requestedPathProblem } from '../../util/fsroots/roots';
import { createVolumeDir, emptyVolumeDirChecked, removeVolumeDirChecked, safeSegment } from '../dirs/volume_dirs';
import type {
  ControllerService,
  CreatedSnapshot,
  CreateSnapshotRequest,
  CreateVolumeRequest,
  DeleteSnapshotRequest,
} from '../controller_service';
import { ProvisioningError, ReclaimRefusal, SnapshotError } from '../errors';
import { checkFitsFilesystem, type ControllerExpansion, VolumeExpansionError } from '../expansion';
import { copyTree, defaultSnapshotRoot, HostPathSnapshots } from './snapshots';
import { hostPathIdentity, type HostPathSettings } from './identity';
import type { ProvisioningRecords } from '../dirs/provisioning_records';
import { adoptRecord, type GuardContext, verifyReclaim } from '../dirs/reclaim_guard';
import { getOwn } from '../../util/json/own';
import type { CapacityQuotas } from '../dirs/capacity_quota';
import { parseQuantity, quantityValue, tryParseQuantity } from '../../api/quantity';

/** The PV annotation naming the project id whose quota limits the volume's directory. */
export const ProjectQuotaAnnotation = 'kubestore.io/project-quota';

/** Configuration of the hostPath controller half. */
export interface HostPathOptions extends HostPathSettings {
  records: ProvisioningRecords;
  /** Capacity quotas where the filesystem supports them (absent: never limited). */
  quotas?: CapacityQuotas;
  /** The snapshot controller's records (absent: this instance cuts no snapshots). */
  snapshotRecords?: ProvisioningRecords;
}

/** Provisions hostPath volumes under the allowed roots. */
export class HostPathController implements ControllerService {
  private readonly guard: GuardContext;
  private readonly snapshots?: HostPathSnapshots;

  constructor(private readonly o: HostPathOptions) {
    this.guard = {
      records: o.records,
      roots: [o.baseDir, ...o.allowedRoots],
      identity: hostPathIdentity,
    };
    if (o.snapshotRecords)
      this.snapshots = new HostPathSnapshots({
        root: o.snapshotRoot ?? defaultSnapshotRoot(o.baseDir),
        volumes: this.guard,
        records: o.snapshotRecords,
      });
  }

  async createSnapshot(req: CreateSnapshotRequest): Promise<CreatedSnapshot> {
    if (!this.snapshots) throw new SnapshotError('this controller half was started without snapshot records');
    return this.snapshots.createSnapshot(req);
  }

  async deleteSnapshot(req: DeleteSnapshotRequest): Promise<void> {
    if (!this.snapshots) throw new ReclaimRefusal('this controller half was started without snapshot records');
    await this.snapshots.deleteSnapshot(req);
  }

  async createVolume(req: CreateVolumeRequest) {
    const base = req.storageClass.parameters?.path ?? this.o.baseDir;
    const problem = requestedPathProblem(base, this.guard.roots);
    if (problem) throw new ProvisioningError(`parameters.path: ${problem} (see --hostpath-allowed-roots)`);
    const dir = await createVolumeDir(
      base,
      safeSegment(req.claim.metadata.namespace ?? 'default', req.claim.metadata.name ?? '', req.pvName),
      this.guard,
    );
    if (req.contentSource) await this.fill(dir.real, req);
    const annotations: Record<string, string> = {};
    const request = tryParseQuantity(req.claim.spec.resources?.requests?.storage);
    if (this.o.quotas && request) {
      try {
        const q = await this.o.quotas.limit(path.dirname(dir.real), dir.real, quantityValue(request));
        if (q.limited) annotations[ProjectQuotaAnnotation] = String(q.projectId);
      } catch (err) {
        throw new ProvisioningError(`setting the capacity quota of ${dir.real}: ${(err as Error).message}`);
      }
    }
    // A directory is reachable only from the node it is on: the first preferred segment
    // (the selected node) when one is asked for. The directory itself stays under the
    // controller's base dir (one machine serves every node here).
    const at = req.accessibilityRequirements?.preferred[0] ?? req.accessibilityRequirements?.requisite[0];
    return {
      source: { hostPath: { path: dir.path, type: 'DirectoryOrCreate' } },
      annotations,
      localPath: dir.real,
      ...(at ? { accessibleTopology: [at] } : {}),
    };
  }

  /** Copies the content source into the new volume directory (a retry copies the same data again). */
  private async fill(target: string, req: CreateVolumeRequest): Promise<void> {
    const src = req.contentSource;
    if (!src) return;
    let from: string | undefined;
    if ('snapshotHandle' in src) {
      from = this.snapshots ? await this.snapshots.existingDir(src.snapshotHandle) : undefined;
      if (!from) throw new ProvisioningError(`snapshot ${src.snapshotHandle} has no copy under the snapshot root`);
    } else {
      // Only a volume this controller's record proves it made (a hand-made PV's path is never copied).
      const where = await verifyReclaim(src.volume, src.volume.spec.hostPath?.path ?? '', this.guard).catch(
        (err: unknown) => {
          throw new ProvisioningError(
            `the source volume ${src.volume.metadata.name ?? ''} is not a volume this controller provisioned: ${(err as Error).message}`,
          );
        },
      );
      if (!where.exists)
        throw new ProvisioningError(`the directory of the source volume ${src.volume.metadata.name ?? ''} is missing`);
      from = where.real;
    }
    await copyTree(from, target).catch((err: unknown) => {
      throw new ProvisioningError(`copying ${from} into the new volume: ${(err as Error).message}`);
    });
  }

  async adoptVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    if (pv.spec.hostPath) await adoptRecord(pv, pv.spec.hostPath.path, this.guard);
  }

  async deleteVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await removeVolumeDirChecked(pv, pv.spec.hostPath?.path ?? '', this.guard);
  }

  async recycleVolume(pv: DeepReadonly<PersistentVolume>): Promise<void> {
    await emptyVolumeDirChecked(pv, pv.spec.hostPath?.path ?? '', this.guard);
  }

  /**
   * Online expansion, done here: the directory has no filesystem of its own, so there is
   * nothing for a node to grow (nodeExpansionRequired false). The size must fit the filesystem
   * holding the directory (this controller's host is every node's, as for provisioning). A
   * directory provisioned with a capacity quota gets the quota raised, once this controller's
   * own record proves the directory is the one it made (the PV's path alone is not trusted).
   */
  expandVolume = async (pv: DeepReadonly<PersistentVolume>, capacity: string): Promise<ControllerExpansion> => {
    const dir = pv.spec.hostPath?.path;
    if (!dir)
      throw new VolumeExpansionError(`PersistentVolume "${pv.metadata.name ?? ''}" has no hostPath source`, true);
    await checkFitsFilesystem(dir, capacity, `hostPath ${dir}`);
    if (this.o.quotas && getOwn(pv.metadata.annotations ?? {}, ProjectQuotaAnnotation) !== undefined)
      await this.raiseQuota(this.o.quotas, pv, dir, capacity);
    return { capacity, nodeExpansionRequired: false };
  };

  private async raiseQuota(
    quotas: CapacityQuotas,
    pv: DeepReadonly<PersistentVolume>,
    dir: string,
    capacity: string,
  ): Promise<void> {
    const where = await verifyReclaim(pv, dir, this.guard).catch((err: unknown) => {
      throw new VolumeExpansionError(`not raising the capacity quota: ${(err as Error).message}`, true);
    });
    const bytes = quantityValue(parseQuantity(capacity));
    try {
      await quotas.raise(path.dirname(where.real), where.real, bytes);
    } catch (err) {
      throw new VolumeExpansionError(`raising the capacity quota of ${where.real}: ${(err as Error).message}`, false);
    }
  }
}
