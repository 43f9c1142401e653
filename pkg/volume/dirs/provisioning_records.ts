/**
 * Provisioning records: what this controller-manager made, written by itself in a directory of
 * its own (`--provisioning-record-dir`, mode 0700, never inside a volume root), so no pod and no
 * API client can forge one. Reclaim trusts a record, never the PV object: a directory is deleted
 * or emptied only when the record of that PV's name names the PV's uid and the directory's real
 * path (see reclaim_guard.ts).
 *
 * One JSON file per PV name, replaced atomically (write to a temporary file, fsync, rename), so
 * a crash leaves either the old record or the new one, never half of one.
 *
 * Life of a record (claim_sync.ts / volume_sync.ts):
 *   1. the provisioner creates the directory;
 *   2. `prepare` writes {pvName, claimUid, path} BEFORE the PV is created (the PV uid is not
 *      known yet; a dynamic PV is named `pvc-<claim uid>`, so the name is);
 *   3. the PV is created; `complete` adds its uid;
 *   4. after the storage and the PV object are deleted, `remove` drops the record.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** One record. */
export interface ProvisioningRecord {
  pvName: string;
  /** Uid of the claim the volume was provisioned for (the PV's claimRef.uid). */
  claimUid: string;
  /** `namespace/name` of that claim (for people reading the file). */
  claim: string;
  /** The driver's type (`hostPath`, `nfs`, …). */
  type: string;
  /** Real (symlink-free) local path of the directory the controller created. */
  path: string;
  /** Uid of the PV, once its create succeeded. */
  pvUid?: string;
}

/** Where records are kept (consumer-defined; a directory in production, a map in unit tests). */
export interface ProvisioningRecords {
  get(pvName: string): Promise<ProvisioningRecord | undefined>;
  put(record: ProvisioningRecord): Promise<void>;
  remove(pvName: string): Promise<void>;
  /** Every record (nesting checks: no volume may be made or reclaimed inside another). */
  list(): Promise<ProvisioningRecord[]>;
}

/**
 * Step 2: records a directory about to become PV `pvName`. Idempotent: a record for the same
 * name, claim and path is kept as it is (with its pvUid, if a previous attempt got that far);
 * anything else is replaced (a stale record of an earlier PV of that name).
 */
export async function prepareRecord(
  records: ProvisioningRecords,
  record: Omit<ProvisioningRecord, 'pvUid'>,
): Promise<void> {
  const old = await records.get(record.pvName);
  if (old && old.claimUid === record.claimUid && old.path === record.path && old.type === record.type) return;
  await records.put({ ...record });
}

const validName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function isRecord(v: unknown): v is ProvisioningRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.pvName === 'string' &&
    typeof r.claimUid === 'string' &&
    typeof r.path === 'string' &&
    typeof r.type === 'string' &&
    (r.pvUid === undefined || typeof r.pvUid === 'string')
  );
}

/** Records as files `<dir>/<pvName>.json`. */
export class FileProvisioningRecords implements ProvisioningRecords {
  constructor(readonly dir: string) {}

  private file(pvName: string): string {
    // PV names are DNS subdomains; anything else never names a file here.
    if (!validName.test(pvName) || pvName.includes('..'))
      throw new Error(`"${pvName}" is not a valid PersistentVolume name`);
    return path.join(this.dir, `${pvName}.json`);
  }

  async get(pvName: string): Promise<ProvisioningRecord | undefined> {
    if (!validName.test(pvName) || pvName.includes('..')) return undefined;
    let text: string;
    try {
      text = await readFile(this.file(pvName), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed) || parsed.pvName !== pvName)
      throw new Error(`provisioning record ${this.file(pvName)} is malformed`);
    return parsed;
  }

  async put(record: ProvisioningRecord): Promise<void> {
    const file = this.file(record.pvName);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Unique per write: two workers may complete the same record at once (same content).
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(record)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  }

  async remove(pvName: string): Promise<void> {
    await rm(this.file(pvName), { force: true });
  }

  async list(): Promise<ProvisioningRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map((n) => this.get(n.slice(0, -'.json'.length))),
    );
    return records.filter((r): r is ProvisioningRecord => r !== undefined);
  }
}

/** Records in memory (unit tests). */
export class MemoryProvisioningRecords implements ProvisioningRecords {
  readonly records = new Map<string, ProvisioningRecord>();

  async get(pvName: string): Promise<ProvisioningRecord | undefined> {
    await Promise.resolve();
    const r = this.records.get(pvName);
    return r ? { ...r } : undefined;
  }

  async put(record: ProvisioningRecord): Promise<void> {
    await Promise.resolve();
    this.records.set(record.pvName, { ...record });
  }

  async remove(pvName: string): Promise<void> {
    await Promise.resolve();
    this.records.delete(pvName);
  }

  async list(): Promise<ProvisioningRecord[]> {
    await Promise.resolve();
    return [...this.records.values()].map((r) => ({ ...r }));
  }
}
