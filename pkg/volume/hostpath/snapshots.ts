/**
 * Snapshots of hostPath volumes (the driver's CreateSnapshot/DeleteSnapshot): a snapshot is a
 * directory `<snapshot root>/<content name>` holding a copy of the volume's directory.
 *
 * The copy is made in `<snapshot root>/.tmp-<content name>` and renamed into place when it is
 * complete, so a directory under its final name is always a whole copy. It is a real copy
 * (copyTree: `cp -a --reflink=auto`, modes and timestamps kept, symlinks copied as symlinks,
 * never followed), sharing blocks where the file system can reflink (btrfs, XFS with reflink)
 * and copying them elsewhere (ext4). Hard links are never used: a writer changing a file in
 * place would change the snapshot too. Files are read one after another while pods may write, so the copy
 * is consistent per file, not across files (as a crash would leave them), unless the pods are
 * quiet.
 *
 * Trust: the source must be a volume this driver provisioned, proven as for its deletion (its
 * provisioning record names the PV's uid and the same real path, strictly under a volume root;
 * a hand-made PV's path is never copied); the record
 * (content name → content uid, real path) is written before the copy starts, and a snapshot
 * directory is deleted only when that record names the content's uid and the same real path
 * strictly under the snapshot root (the same proof as volume deletion, dirs/reclaim_guard.ts).
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import type { ProvisioningRecords } from '../dirs/provisioning_records';
import { type GuardContext, verifyReclaim } from '../dirs/reclaim_guard';
import { isPathSegment, removeVerifiedDir } from '../dirs/volume_dirs';
import { locate, resolvePath } from '../dirs/volume_roots';
import type { CreatedSnapshot, CreateSnapshotRequest, DeleteSnapshotRequest } from '../controller_service';
import { ReclaimRefusal, SnapshotError } from '../errors';

const execFileAsync = promisify(execFile);

/** The default --snapshot-root: `snapshots` next to the base dir. */
export function defaultSnapshotRoot(baseDir: string): string {
  return path.join(path.dirname(path.resolve(baseDir)), 'snapshots');
}

/** The record type of hostPath snapshots (never a volume record's type). */
export const hostPathSnapshotType = 'hostPath-snapshot';

/** Configuration of the hostPath snapshotter. */
export interface HostPathSnapshotOptions {
  /** --snapshot-root. */
  root: string;
  /** The driver's volume roots and records: a source must be a volume this driver provisioned (reclaim_guard's proof). */
  volumes: GuardContext;
  records: ProvisioningRecords;
}

/** Total size in bytes of the regular files under `dir` (symlinks not followed). */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}

/**
 * Copies the tree `from` into `to` (created if missing, else filled): GNU `cp -a
 * --reflink=auto -T` (modes, owners, timestamps kept; symlinks copied as symlinks, never
 * followed; blocks shared where the file system can reflink). Measured 4–12× faster than
 * Node's fs.cp on 5,000 files (test/bench/snapshot.ts). Both paths are this controller's own
 * verified real paths, passed as arguments after `--` (no shell).
 */
export async function copyTree(from: string, to: string): Promise<void> {
  try {
    await execFileAsync('cp', ['-a', '--reflink=auto', '-T', '--', from, to]);
  } catch (err) {
    const stderr = (err as { stderr?: unknown }).stderr;
    throw new Error(typeof stderr === 'string' && stderr.trim() ? stderr.trim() : (err as Error).message);
  }
}

/** Cuts and deletes hostPath snapshots; see the file comment. */
export class HostPathSnapshots {
  constructor(private readonly o: HostPathSnapshotOptions) {}

  /** The directory of the snapshot with `handle` (a content name), or undefined when the handle is no plain segment. */
  dirOf(handle: string): string | undefined {
    return isPathSegment(handle) && !handle.startsWith('.') ? path.join(this.o.root, handle) : undefined;
  }

  /** The real directory of snapshot `handle` when it exists strictly under the snapshot root and its record names it. */
  async existingDir(handle: string): Promise<string | undefined> {
    const dir = this.dirOf(handle);
    if (!dir) return undefined;
    const where = await locate(dir, [this.o.root]);
    if (!where.root || !where.exists) return undefined;
    // Only a copy this driver cut (its record names the same real path), never anything else found there.
    const record = await this.o.records.get(handle);
    if (record?.type !== hostPathSnapshotType || record.path !== where.real) return undefined;
    return (await stat(where.real)).isDirectory() ? where.real : undefined;
  }

  async createSnapshot(req: CreateSnapshotRequest): Promise<CreatedSnapshot> {
    const final = this.dirOf(req.name);
    if (!final) throw new SnapshotError(`invalid snapshot name "${req.name}"`);
    const source = req.source.spec.hostPath?.path;
    if (!source) throw new SnapshotError(`PersistentVolume ${req.source.metadata.name ?? ''} is not a hostPath volume`);
    const from = await verifyReclaim(req.source, source, this.o.volumes).catch((err: unknown) => {
      throw new SnapshotError(
        `PersistentVolume ${req.source.metadata.name ?? ''} is not a volume this controller-manager provisioned: ${(err as Error).message}`,
      );
    });
    if (!from.exists || !(await stat(from.real)).isDirectory())
      throw new SnapshotError(
        `the directory ${source} of PersistentVolume ${req.source.metadata.name ?? ''} is not an existing directory`,
      );
    await mkdir(this.o.root, { recursive: true, mode: 0o700 });
    const realRoot = (await resolvePath(this.o.root)).real;
    const real = path.join(realRoot, req.name);
    const done = await this.o.records.get(req.name);
    if (done && done.pvUid === req.contentUid && done.path === real) {
      const st = await stat(real).catch(() => undefined);
      if (st?.isDirectory())
        return {
          snapshotHandle: req.name,
          sizeBytes: await directorySize(real),
          creationTimeMs: st.mtimeMs,
          readyToUse: true,
        };
    } else if (done) {
      throw new SnapshotError(
        `a snapshot named ${req.name} was already cut for another content (uid ${done.pvUid ?? '?'})`,
      );
    }
    await this.o.records.put({
      pvName: req.name,
      claimUid: req.snapshotUid,
      claim: req.snapshot,
      type: hostPathSnapshotType,
      path: real,
      pvUid: req.contentUid,
    });
    const tmp = path.join(realRoot, `.tmp-${req.name}`);
    await rm(tmp, { recursive: true, force: true });
    const at = Date.now();
    try {
      await copyTree(from.real, tmp);
      await rename(tmp, real);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw new SnapshotError(`copying ${from.real}: ${(err as Error).message}`);
    }
    return { snapshotHandle: req.name, sizeBytes: await directorySize(real), creationTimeMs: at, readyToUse: true };
  }

  async deleteSnapshot(req: DeleteSnapshotRequest): Promise<void> {
    const dir = this.dirOf(req.snapshotHandle);
    if (!dir) throw new ReclaimRefusal(`snapshot handle "${req.snapshotHandle}" names no snapshot directory`);
    const record = await this.o.records.get(req.snapshotHandle);
    if (!record && req.snapshotHandle === req.name && !(await locate(dir, [this.o.root])).exists) return;
    if (!record || record.type !== hostPathSnapshotType)
      throw new ReclaimRefusal(`this controller-manager has no record of cutting snapshot ${req.snapshotHandle}`);
    if (record.pvUid !== req.contentUid)
      throw new ReclaimRefusal(
        `the record of snapshot ${req.snapshotHandle} names content uid ${record.pvUid ?? '?'}, this content has uid ${req.contentUid}`,
      );
    const where = await locate(dir, [this.o.root]);
    if (!where.root || where.real !== record.path)
      throw new ReclaimRefusal(`snapshot directory ${dir} resolves to ${where.real}, not the recorded ${record.path}`);
    if (where.exists) await removeVerifiedDir(where.real);
    await this.o.records.remove(req.snapshotHandle);
  }
}
