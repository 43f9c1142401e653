/**
 * Benchmark — snapshot and restore of a hostPath volume vs `cp -a`, in the same run on the same
 * file system: a directory of BENCH_SNAPSHOT_FILES (10,000) files totalling BENCH_SNAPSHOT_MB
 * (1,024) MiB in 100 subdirectories is snapshotted with the hostPath driver's CreateSnapshot
 * (pkg/volume/hostpath/snapshots.ts: `cp -a --reflink=auto`, a reflink where the file system
 * can, a plain copy elsewhere), restored with the same copy the provisioner uses, and copied
 * with plain `cp -a` and with Node's fs.cp (COPYFILE_FICLONE), the alternative measured. Page
 * cache is warm for all of them (the source is read once before timing). Prints the file system
 * type and whether it reflinks, found out by trying (`cp --reflink=always` of a small file in
 * the same directory), not guessed from the type: where it cannot, every figure is a full copy.
 * Hard links are never used (see snapshots.ts).
 *
 *   hack/benchmark.sh snapshot      (or: node dist/test/bench/snapshot.js)
 * Env: BENCH_SNAPSHOT_FILES, BENCH_SNAPSHOT_MB, BENCH_TMP (default the OS temp dir; the
 * volume, the snapshot, the restore and two copies need ~5× BENCH_SNAPSHOT_MB free there).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { constants, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { MemoryProvisioningRecords } from '../../pkg/volume/dirs/provisioning_records';
import { hostPathIdentity } from '../../pkg/volume/hostpath/identity';
import { copyTree, HostPathSnapshots } from '../../pkg/volume/hostpath/snapshots';
import type { PersistentVolume } from '../../pkg/api/core/v1';
import { benchTempDir, removeTempDir } from './lib/procs';
import { ms, printTable, recordResults, row } from './lib/table';
import { wallMs } from './lib/stats';

const files = Number(process.env.BENCH_SNAPSHOT_FILES ?? 10_000);
const totalMb = Number(process.env.BENCH_SNAPSHOT_MB ?? 1024);

async function timed(f: () => Promise<void> | void): Promise<number> {
  const t0 = wallMs();
  await f();
  return wallMs() - t0;
}

/** Whether `dir`'s file system makes reflinks: tries one (`cp --reflink=always` fails where it cannot). */
function canReflink(dir: string): boolean {
  const a = path.join(dir, 'reflink-probe');
  writeFileSync(a, Buffer.alloc(65536, 1));
  return spawnSync('cp', ['--reflink=always', a, `${a}.copy`], { stdio: 'ignore' }).status === 0;
}

/** The type of the file system holding `dir` (findmnt's, which tells ext4 from ext2/ext3; else stat's). */
function fileSystemType(dir: string): string {
  const found = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', dir], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
}

async function main(): Promise<void> {
  const tmp = benchTempDir('snapshot');
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
    const fsType = fileSystemType(tmp);
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
    const reflinks = canReflink(tmp);
    const how = reflinks ? 'reflinks' : 'no reflinks: full copies';
    printTable(
      `snapshot/restore of ${files} files, ${totalMb} MiB (file system ${fsType})`,
      ['operation', 'time', 'vs cp -a'],
      [
        ['CreateSnapshot (cp -a --reflink=auto)', ms(snapMs), `${(snapMs / cpMs).toFixed(2)}×`],
        ['restore (cp -a --reflink=auto)', ms(restoreMs), `${(restoreMs / cpMs).toFixed(2)}×`],
        ['cp -a', ms(cpMs), '1.00×'],
        ['Node fs.cp (COPYFILE_FICLONE)', ms(fsCpMs), `${(fsCpMs / cpMs).toFixed(2)}×`],
      ],
      [reflinks ? `${fsType} reflinks: snapshot and restore share blocks` : `no reflinks on ${fsType}: full copies`],
    );
    const what = `${files.toLocaleString('en-US')} files, ${totalMb} MiB on ${fsType}, ${how}`;
    const vsCp = (figure: string, value: number) =>
      row({ benchmark: 'snapshot', figure: `${figure} (${what}; vs cp -a)`, value, baseline: cpMs, format: ms });
    recordResults([vsCp('CreateSnapshot', snapMs), vsCp('restore', restoreMs)]);
  } finally {
    removeTempDir(tmp);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
