import { expect } from 'chai';
import { mkdtemp, mkdir, rename, rm, symlink, writeFile, link } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { diskUsage, realWalkFs, type WalkFs } from '../../../../pkg/kubelet/volumestats/disk_usage';

/** A fake tree: path → entry; directories list their children. */
function fakeFs(
  tree: Record<string, { blocks: number; children?: string[]; dev?: number; ino?: number; nlink?: number }>,
  clock?: FakeClock,
): WalkFs {
  const get = (p: string) => {
    const e = Object.hasOwn(tree, p) ? tree[p] : undefined;
    if (!e) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return e;
  };
  return {
    lstat: async (p) => {
      clock?.step(1000);
      const e = get(p);
      return {
        dev: e.dev ?? 1,
        ino: e.ino ?? p.length,
        blocks: e.blocks,
        nlink: e.nlink ?? 1,
        isDirectory: () => e.children !== undefined,
      };
    },
    readdir: async (p) => (get(p).children ?? []).map((name) => ({ name })),
    openDir: async (p) => {
      if (get(p).children === undefined) throw Object.assign(new Error(`ENOTDIR ${p}`), { code: 'ENOTDIR' });
      return { path: p, close: async () => {} };
    },
  };
}

describe('kubelet: volume stats disk usage walk', () => {
  const tree = {
    '/v': { blocks: 8, children: ['a', 'd', 'gone', 'mnt', 'h1', 'h2'] },
    '/v/a': { blocks: 16 },
    '/v/d': { blocks: 8, children: ['b'] },
    '/v/d/b': { blocks: 2048 },
    '/v/mnt': { blocks: 999, dev: 2, children: [] },
    '/v/h1': { blocks: 4, ino: 77, nlink: 2 },
    '/v/h2': { blocks: 4, ino: 77, nlink: 2 },
  };

  it('counts st_blocks × 512 and inodes, a hard link once, skipping vanished entries and other filesystems', async () => {
    expect(await diskUsage('/v', { maxEntries: 100, timeoutMs: 10_000, fs: fakeFs(tree) })).to.deep.equal({
      usedBytes: (8 + 16 + 8 + 2048 + 4) * 512,
      inodesUsed: 5,
      complete: true,
    });
  });

  it('stops at the entry cap, the depth cap and the time cap, saying so', async () => {
    const shallow = await diskUsage('/v', { maxEntries: 100, maxDepth: 0, timeoutMs: 10_000, fs: fakeFs(tree) });
    expect(shallow).to.deep.include({ complete: false, inodesUsed: 4 }); // /v/d counted, /v/d/b not reached
    const capped = await diskUsage('/v', { maxEntries: 2, timeoutMs: 10_000, fs: fakeFs(tree) });
    expect(capped.complete).to.equal(false);
    expect(capped.inodesUsed).to.be.lessThan(5);
    const clock = new FakeClock();
    const slow = await diskUsage('/v', { maxEntries: 100, timeoutMs: 2500, clock, fs: fakeFs(tree, clock) });
    expect(slow.complete).to.equal(false);
  });

  it('measures a real directory without following symlinks', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'du-'));
    try {
      await mkdir(path.join(tmp, 'sub'));
      await writeFile(path.join(tmp, 'sub', 'f'), Buffer.alloc(1 << 20, 1));
      await link(path.join(tmp, 'sub', 'f'), path.join(tmp, 'f2'));
      await symlink('/usr', path.join(tmp, 'usr'));
      const u = await diskUsage(tmp, { maxEntries: 1000, timeoutMs: 10_000 });
      expect(u.complete).to.equal(true);
      expect(u.inodesUsed).to.equal(4); // tmp, sub, f (= f2), the symlink
      expect(u.usedBytes).to.be.within(1 << 20, (1 << 20) + 64 * 1024);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('never follows a directory swapped for a symlink between its lstat and its listing (a pod racing the walk)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'du-race-'));
    try {
      const vol = path.join(tmp, 'vol');
      const outside = path.join(tmp, 'outside');
      await mkdir(path.join(vol, 'sub'), { recursive: true });
      await mkdir(outside);
      for (let i = 0; i < 5; i++) await writeFile(path.join(outside, `secret${i}`), Buffer.alloc(1 << 20, 1));
      let swapped = false;
      const racing: WalkFs = {
        ...realWalkFs,
        lstat: async (p) => {
          const st = await realWalkFs.lstat(p);
          if (!swapped && path.basename(p) === 'sub') {
            swapped = true; // the pod's move, right after the walk saw a directory
            await rename(path.join(vol, 'sub'), path.join(vol, 'moved'));
            await symlink(outside, path.join(vol, 'sub'));
          }
          return st;
        },
      };
      const u = await diskUsage(vol, { maxEntries: 1000, timeoutMs: 10_000, fs: racing });
      expect(swapped).to.equal(true);
      expect(u.usedBytes).to.be.below(1 << 20); // none of outside/secret*
      expect(u.inodesUsed).to.be.at.most(3); // vol, sub (as seen), nothing below it
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
