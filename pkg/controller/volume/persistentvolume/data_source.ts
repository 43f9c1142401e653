/**
 * A claim's data source (spec.dataSourceRef, else spec.dataSource) turned into what the driver
 * fills the new volume with, as external-provisioner does it:
 *  - kind VolumeSnapshot (snapshot.storage.k8s.io): the snapshot must be readyToUse and bound to
 *    a content of this class's driver that names it back (namespace, name, uid); the request must be >= its restoreSize;
 *  - kind PersistentVolumeClaim (core): a Bound claim of the same namespace and class whose PV
 *    this driver handles; the request must be >= its capacity (a clone).
 * Anything else is not ours (a volume populator's): the claim waits. Problems are
 * DataSourceProblems (a ProvisioningFailed event; retried with backoff).
 */
import type { PersistentVolume } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import { compareQuantities, tryParseQuantity } from '../../../api/quantity';
import type { VolumeSnapshot, VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import { snapshotGroup } from '../../../api/snapshot/v1/types';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type { CreateVolumeRequest } from '../../../volume/controller_service';
import type { VolumeDriver } from '../../../volume/driver';
import type { ControllerContext, StoredClaim } from './deps';

/** Reads snapshots and contents live (the PV controller keeps no informer on the CRDs). */
export interface SnapshotReader {
  getSnapshot(namespace: string, name: string): Promise<VolumeSnapshot>;
  getContent(name: string): Promise<VolumeSnapshotContent>;
}

/**
 * True when the claim asks for a volume filled from a data source. Such a claim is never
 * matched to an existing Available PV (that would bind it empty): it is provisioned from its
 * source, or bound to a PV pre-bound to it or named by it. A deliberate rule here; Kubernetes'
 * binder does not look at the data source when matching.
 */
export function hasDataSource(claim: DeepReadonly<StoredClaim>): boolean {
  return Boolean(claim.spec.dataSourceRef ?? claim.spec.dataSource);
}

/** A data source that cannot be used (yet); the message is the event's. */
export class DataSourceProblem extends Error {
  override readonly name = 'DataSourceProblem';
}

function tooSmall(claim: StoredClaim, size: string, what: string): DataSourceProblem | undefined {
  const req = tryParseQuantity(claim.spec.resources?.requests?.storage);
  const min = tryParseQuantity(size);
  if (!req || !min || compareQuantities(req, min) >= 0) return undefined;
  return new DataSourceProblem(
    `requested volume size ${claim.spec.resources?.requests?.storage ?? ''} is less than the size ${size} for the source ${what}`,
  );
}

/**
 * The content source of `claim` for `driver` (undefined: no data source); `'foreign'` when the
 * source is no kind this controller fills (left to a populator). Throws DataSourceProblem.
 */
export async function contentSourceFor(
  ctx: Pick<ControllerContext, 'claims' | 'volumes' | 'drivers'> & { snapshots?: SnapshotReader },
  claim: StoredClaim,
  driver: VolumeDriver,
): Promise<CreateVolumeRequest['contentSource'] | 'foreign' | undefined> {
  const src = claim.spec.dataSourceRef ?? claim.spec.dataSource;
  if (!src) return undefined;
  const ns = claim.metadata.namespace;
  const group = src.apiGroup ?? '';
  if (group === snapshotGroup && src.kind === 'VolumeSnapshot') {
    if (!driver.identity.capabilities.snapshots || !ctx.snapshots)
      throw new DataSourceProblem(`driver ${driver.identity.provisioner} cannot restore snapshots`);
    let snap: VolumeSnapshot;
    try {
      snap = await ctx.snapshots.getSnapshot(ns, src.name);
    } catch (err) {
      if (isNotFound(err))
        throw new DataSourceProblem(`volumesnapshot.snapshot.storage.k8s.io "${src.name}" not found`);
      throw err;
    }
    const contentName = snap.status?.boundVolumeSnapshotContentName;
    if (!snap.status?.readyToUse || !contentName || snap.metadata.deletionTimestamp)
      throw new DataSourceProblem(`snapshot ${src.name} is not Ready`);
    const content = await ctx.snapshots.getContent(contentName);
    // Bound both ways (external-provisioner's check): the content must name this very snapshot.
    const ref = content.spec.volumeSnapshotRef;
    if (ref.namespace !== ns || ref.name !== snap.metadata.name || ref.uid !== snap.metadata.uid)
      throw new DataSourceProblem(
        `snapshot ${src.name}'s content ${contentName} is bound to ${ref.namespace ?? ''}/${ref.name ?? ''} (uid ${ref.uid ?? ''}), not to this snapshot`,
      );
    const handle = content.status?.snapshotHandle;
    if (!handle) throw new DataSourceProblem(`snapshot ${src.name} has no snapshot handle yet`);
    if (content.spec.driver !== driver.identity.provisioner)
      throw new DataSourceProblem(
        `snapshot ${src.name} was taken by driver ${content.spec.driver}, not by ${driver.identity.provisioner}`,
      );
    const small = snap.status.restoreSize ? tooSmall(claim, snap.status.restoreSize, 'snapshot') : undefined;
    if (small) throw small;
    return { snapshotHandle: handle };
  }
  if (group === '' && src.kind === 'PersistentVolumeClaim') {
    const source = ctx.claims.get(`${ns}/${src.name}`);
    if (!source) throw new DataSourceProblem(`persistentvolumeclaim "${src.name}" not found`);
    if ((source.spec.storageClassName ?? '') !== (claim.spec.storageClassName ?? ''))
      throw new DataSourceProblem(
        `the source claim ${src.name} has StorageClass "${source.spec.storageClassName ?? ''}", not "${claim.spec.storageClassName ?? ''}"`,
      );
    if (source.status?.phase !== 'Bound' || !source.spec.volumeName)
      throw new DataSourceProblem(`the source claim ${src.name} is not bound`);
    const pv: DeepReadonly<PersistentVolume> | undefined = ctx.volumes.get(source.spec.volumeName);
    if (!pv || ctx.drivers.forVolume(pv) !== driver)
      throw new DataSourceProblem(`the volume of the source claim ${src.name} is not a ${driver.identity.type} volume`);
    const capacity = source.status.capacity?.storage ?? pv.spec.capacity?.storage;
    const small = capacity ? tooSmall(claim, capacity, 'volume') : undefined;
    if (small) throw small;
    return { volume: pv };
  }
  return 'foreign';
}
