/**
 * Benchmark — snapshot and restore of a hostPath volume vs `cp -a`, in the same run on the same
 * file system: a directory of BENCH_SNAPSHOT_FILES (10,000) files totalling BENCH_SNAPSHOT_MB
 * (1,024) MiB in 100 subdirectories is snapshotted with the hostPath driver's CreateSnapshot
 * (pkg/volume/hostpath/snapshots.ts: `cp -a --reflink=auto`, a reflink where the file system
 * can, a plain copy elsewhere), restored with the same copy the provisioner uses, and copied
 * with plain `cp -a` and with Node's fs.cp (COPYFILE_FICLONE), the alternative measured. Page cache is warm for all of them (the
 * source is read once before timing). Prints the file system type: on ext4 there are no
 * reflinks, so every figure is a full copy.
 *
 *   node dist/test/bench/snapshot.js
 * Env: BENCH_SNAPSHOT_FILES, BENCH_SNAPSHOT_MB, BENCH_TMPDIR (default the OS temp dir).
 */
import { execFileSync } from 'node:child_process';
import { constants, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryProvisioningRecords } from '../../pkg/volume/dirs/provisioning_records';
import { hostPathIdentity } from '../../pkg/volume/hostpath/identity';
import { copyTree, HostPathSnapshots } from '../../pkg/volume/hostpath/snapshots';
import type { PersistentVolume } from '../../pkg/api/core/v1';
import { ms, printTable } from './lib/table';
import { wallMs } from './lib/stats';

const files = Number(process.env.BENCH_SNAPSHOT_FILES ?? 10_000);
const totalMb = Number(process.env.BENCH_SNAPSHOT_MB ?? 1024);

async function timed(f: () => Promise<void> | void): Promise<number> {
  const t0 = wallMs();
  await f();
  return wallMs() - t0;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(process.env.BENCH_TMPDIR ?? os.tmpdir(), 'kubestore-bench-snap-'));
  try {
    const base = path.join(tmp, 'volumes');
    const vol = path.join(base, 'vol');
    const size = Math.floor((totalMb * 1024 * 1024) / files);
    const chunk = Buffer.alloc(size, 7);
    for (let i = 0; i < files; i++) {
      const dir = path.join(vol, `d${i % 100}`);
      if (i < 100) mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}`), chunk);
    }
    execFileSync('sync');
    execFileSync('tar', ['-cf', '/dev/null', '-C', vol, '.']); // warm the page cache
    const fsType = execFileSync('stat', ['-f', '-c', '%T', tmp], { encoding: 'utf8' }).trim();
    const volumeRecords = new MemoryProvisioningRecords();
    await volumeRecords.put({
      pvName: 'pv',
      claimUid: 'c',
      claim: 'bench/c',
      type: 'hostPath',
      path: realpathSync(vol),
      pvUid: 'pv',
    });
    const snaps = new HostPathSnapshots({
      root: path.join(tmp, 'snapshots'),
      volumes: { roots: [base], records: volumeRecords, identity: hostPathIdentity },
      records: new MemoryProvisioningRecords(),
    });
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv', uid: 'pv' },
      spec: { hostPath: { path: vol } },
    };
    const snapMs = await timed(async () => {
      await snaps.createSnapshot({
        name: 'snapcontent-bench',
        contentUid: 'c',
        snapshotUid: 's',
        snapshot: 'bench/s',
        source: pv,
        parameters: {},
      });
    });
    const restoreMs = await timed(() =>
      copyTree(path.join(tmp, 'snapshots', 'snapcontent-bench'), path.join(base, 'restored')),
    );
    const cpMs = await timed(() => {
      execFileSync('cp', ['-a', vol, path.join(tmp, 'cp-a')]);
    });
    const fsCpMs = await timed(() =>
      cp(vol, path.join(tmp, 'fs-cp'), {
        recursive: true,
        preserveTimestamps: true,
        verbatimSymlinks: true,
        mode: constants.COPYFILE_FICLONE,
      }),
    );
    printTable(
      `snapshot/restore of ${files} files, ${totalMb} MiB (file system ${fsType})`,
      ['operation', 'time', 'vs cp -a'],
      [
        ['CreateSnapshot (cp -a --reflink=auto)', ms(snapMs), `${(snapMs / cpMs).toFixed(2)}×`],
        ['restore (cp -a --reflink=auto)', ms(restoreMs), `${(restoreMs / cpMs).toFixed(2)}×`],
        ['cp -a', ms(cpMs), '1.00×'],
        ['Node fs.cp (COPYFILE_FICLONE)', ms(fsCpMs), `${(fsCpMs / cpMs).toFixed(2)}×`],
      ],
      [fsType === 'btrfs' || fsType === 'xfs' ? 'reflinks possible here' : `no reflinks on ${fsType}: full copies`],
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
