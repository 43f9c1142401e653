/**
 * The reclaim guard: before a volume directory is deleted (Delete) or emptied (Recycle), it
 * proves from the controller's own configuration and records, never from the PV object (whose
 * annotations and paths anyone with PV write access can set), that this controller made it:
 *
 *   1. the directory's path is usable (absolute, no "..", no NUL) and its real path (symlinks
 *      resolved; a missing directory resolves through its deepest existing ancestor) lies
 *      strictly under a configured root;
 *   2. a provisioning record exists for the PV's name, of this storage type;
 *   3. the record names this PV's uid (a PV deleted and re-created under the same name by
 *      someone else has another uid);
 *   4. the record names the same real path;
 *   5. no other record's directory lies inside it (it would go with it).
 *
 * Failing any of these is a ReclaimRefusal: the PV goes Failed with a Warning event saying which,
 * and nothing on disk is touched.
 *
 * The crash window: the record is written before the PV is created (its uid is not known yet)
 * and completed with the uid after. If the controller dies in between, the record has no uid
 * while the PV exists. `adoptRecord` closes that window idempotently: it fills in the uid of a
 * PV that matches the record in everything the controller chose (name `pvc-<claim uid>` or the
 * claim's volumeName, claimRef.uid = the record's claim uid, provisioned-by this provisioner,
 * real path = the record's path). It runs on the provisioning retry (the claim's next sync finds
 * the PV) and, when the claim was deleted before that retry, at reclaim time with the same
 * checks. A PV made by someone else that passes them points at the directory the controller
 * created for that very claim, so the worst it can cause is the deletion of that directory
 * (which is what the claim's Delete policy asked for anyway); it can never reach anything else.
 */
import type { PersistentVolume } from '../../api/core/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { hostPathProblem, lexicallyWithin } from '../../util/fsroots/roots';
import type { DriverIdentity } from '../driver';
import { ReclaimRefusal } from '../errors';
import type { ProvisioningRecord, ProvisioningRecords } from './provisioning_records';
import { describeRoots, locate, type Located } from './volume_roots';

/** What the guard checks against. */
export interface GuardContext {
  records: ProvisioningRecords;
  /** The roots this storage type's directories must lie strictly under. */
  roots: readonly string[];
  /** The driver: its type (what its records say) and provisioner name (what its PVs' provisioned-by says). */
  identity: Pick<DriverIdentity, 'type' | 'provisioner'>;
}

/** The annotation naming the provisioner of a dynamically provisioned PV (Kubernetes' name). */
export const ProvisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';

/** True when the PV matches an uncompleted record in everything the controller chose. */
function matchesRecord(
  pv: DeepReadonly<PersistentVolume>,
  record: ProvisioningRecord,
  real: string,
  g: GuardContext,
): boolean {
  return (
    record.pvUid === undefined &&
    record.type === g.identity.type &&
    pv.metadata.name === record.pvName &&
    pv.spec.claimRef?.uid === record.claimUid &&
    pv.metadata.annotations?.[ProvisionedByAnnotation] === g.identity.provisioner &&
    real === record.path
  );
}

/**
 * Fills in the PV's uid in its record when the record is uncompleted and matches (see the
 * module comment); returns the record as it now is (undefined: none). Idempotent.
 */
export async function adoptRecord(
  pv: DeepReadonly<PersistentVolume>,
  localPath: string,
  g: GuardContext,
): Promise<ProvisioningRecord | undefined> {
  const name = pv.metadata.name ?? '';
  const record = await g.records.get(name);
  const uid = pv.metadata.uid;
  if (!record || record.pvUid !== undefined || !uid || hostPathProblem(localPath)) return record;
  const where = await locate(localPath, g.roots);
  if (!where.root || !matchesRecord(pv, record, where.real, g)) return record;
  const completed = { ...record, pvUid: uid };
  await g.records.put(completed);
  return completed;
}

/**
 * Verifies that the directory `localPath` of `pv` may be deleted or emptied (see the module
 * comment); returns where it really is. Throws ReclaimRefusal otherwise.
 */
export async function verifyReclaim(
  pv: DeepReadonly<PersistentVolume>,
  localPath: string,
  g: GuardContext,
): Promise<Located> {
  const name = pv.metadata.name ?? '';
  const problem = hostPathProblem(localPath);
  if (problem) throw new ReclaimRefusal(`its directory "${localPath}" ${problem}`);
  const where = await locate(localPath, g.roots);
  if (!where.root) {
    throw new ReclaimRefusal(
      `its directory ${localPath} resolves to ${where.real}, which is not strictly under a root this controller-manager was configured with (${describeRoots(g.roots)})`,
    );
  }
  const record = await adoptRecord(pv, localPath, g);
  if (!record)
    throw new ReclaimRefusal(
      `this controller-manager has no provisioning record of PV ${name}: its storage was not provisioned by this controller`,
    );
  if (record.type !== g.identity.type)
    throw new ReclaimRefusal(
      `the provisioning record of PV ${name} is for a ${record.type} volume, this PV is ${g.identity.type}`,
    );
  if (record.pvUid === undefined)
    throw new ReclaimRefusal(
      `the provisioning record of PV ${name} was made for claim uid ${record.claimUid} and path ${record.path}, which this PV does not match`,
    );
  if (record.pvUid !== pv.metadata.uid) {
    throw new ReclaimRefusal(
      `the provisioning record of PV ${name} names PV uid ${record.pvUid}, but this PV has uid ${pv.metadata.uid ?? '(none)'}: it is not the volume this controller provisioned`,
    );
  }
  if (record.path !== where.real)
    throw new ReclaimRefusal(
      `the provisioning record of PV ${name} names directory ${record.path}, but the PV's directory resolves to ${where.real}`,
    );
  const nested = (await g.records.list()).find((r) => r.pvName !== name && lexicallyWithin(r.path, where.real, true));
  if (nested)
    throw new ReclaimRefusal(
      `its directory ${where.real} contains the directory of volume ${nested.pvName} (${nested.path})`,
    );
  return where;
}
