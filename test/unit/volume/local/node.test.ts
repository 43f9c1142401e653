import { expect } from 'chai';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Node, PersistentVolume } from '../../../../pkg/api/core/v1';
import { VolumeSetupError } from '../../../../pkg/volume/errors';
import { newLocalDriver } from '../../../../pkg/volume/local/driver';
import { LocalNode } from '../../../../pkg/volume/local/node';
import type { PublishContext } from '../../../../pkg/volume/node_service';

const pinnedTo = (nodeName: string): NonNullable<PersistentVolume['spec']['nodeAffinity']> => ({
  required: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }],
  },
});

function localPv(
  p: string,
  spec: Partial<PersistentVolume['spec']> = { nodeAffinity: pinnedTo('node-b') },
): PersistentVolume {
  return { metadata: { name: 'pv-local' }, spec: { local: { path: p }, ...spec } };
}

const node = (name: string): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
const ctxOn = (name: string, readOnly = false): PublishContext => ({
  podUid: 'pod-1',
  rootDir: '/var/lib/kubelet',
  readOnly,
  node: node(name),
});

async function refused(p: Promise<unknown>, message: RegExp): Promise<void> {
  await p.then(
    () => expect.fail('expected VolumeSetupError'),
    (err: unknown) => {
      expect(err).to.be.instanceOf(VolumeSetupError);
      expect(err).to.have.property('reason', 'FailedMount');
      expect((err as Error).message).to.match(message);
    },
  );
}

describe('volume/local: LocalNode', () => {
  let tmp = '';
  let root = '';
  let plugin: LocalNode;
  beforeEach(async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'kubestore-local-')));
    root = path.join(tmp, 'node-b', 'local-volumes');
    await mkdir(root, { recursive: true });
    plugin = new LocalNode({ roots: [root] });
  });
  afterEach(async () => rm(tmp, { recursive: true, force: true }));

  it('handles exactly the PVs with a local source (a null one is unset)', () => {
    const driver = newLocalDriver();
    expect(driver.handles(localPv('/x'))).to.equal(true);
    expect(driver.handles({ metadata: {}, spec: { hostPath: { path: '/x' } } })).to.equal(false);
    expect(driver.handles({ metadata: {}, spec: { local: null as never, hostPath: { path: '/x' } } })).to.equal(false);
  });

  it('binds an existing directory under a root on the node its nodeAffinity names, as its real path', async () => {
    const dir = path.join(root, 'ssd1');
    await mkdir(dir);
    expect(await plugin.publishVolume(localPv(`${root}//ssd1/`), ctxOn('node-b'))).to.deep.equal({
      hostPath: dir,
      readOnly: false,
    });
    expect(await plugin.publishVolume(localPv(dir), ctxOn('node-b', true))).to.deep.equal({
      hostPath: dir,
      readOnly: true,
    });
  });

  it('matchFields on metadata.name pin a volume too', async () => {
    const dir = path.join(root, 'ssd1');
    await mkdir(dir);
    const byName = localPv(dir, {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-b'] }] }],
        },
      },
    });
    expect((await plugin.publishVolume(byName, ctxOn('node-b'))).hostPath).to.equal(dir);
    await refused(plugin.publishVolume(byName, ctxOn('node-a')), /metadata\.name In \[node-b\]; this is node "node-a"/);
  });

  it('refuses a volume pinned to another node, naming the affinity and this node', async () => {
    const dir = path.join(root, 'ssd1');
    await mkdir(dir);
    await refused(
      plugin.publishVolume(localPv(dir), ctxOn('node-a')),
      /^MountVolume\.NodeAffinity check failed for volume "pv-local" : no matching NodeSelectorTerms \(the volume is pinned to another node by its nodeAffinity: kubernetes\.io\/hostname In \[node-b\]; this is node "node-a"\)$/,
    );
  });

  it('refuses a local PV without required nodeAffinity', async () => {
    const dir = path.join(root, 'ssd1');
    await mkdir(dir);
    await refused(plugin.publishVolume(localPv(dir, {}), ctxOn('node-b')), /has no required nodeAffinity/);
    await refused(
      plugin.publishVolume(localPv(dir, { nodeAffinity: {} }), ctxOn('node-b')),
      /no required nodeAffinity/,
    );
  });

  it('refuses a path outside every root, and a root itself', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    await mkdir(elsewhere);
    await refused(
      plugin.publishVolume(localPv(elsewhere), ctxOn('node-b')),
      /is not under one of node "node-b"'s local volume roots/,
    );
    await refused(
      plugin.publishVolume(localPv(root), ctxOn('node-b')),
      /not under one of node "node-b"'s local volume roots/,
    );
    await refused(plugin.publishVolume(localPv('/etc'), ctxOn('node-b')), /not under/);
  });

  it('refuses a symlink that leads out of the roots (in the leaf or a parent)', async () => {
    const outside = path.join(tmp, 'outside');
    await mkdir(path.join(outside, 'sub'), { recursive: true });
    await symlink(outside, path.join(root, 'escape'));
    await refused(
      plugin.publishVolume(localPv(path.join(root, 'escape')), ctxOn('node-b')),
      new RegExp(`resolves to ${outside} through a symlink\\) is not under`),
    );
    await refused(
      plugin.publishVolume(localPv(path.join(root, 'escape', 'sub')), ctxOn('node-b')),
      /through a symlink/,
    );
  });

  it('accepts a symlink that stays inside the roots (binding its target), and a symlinked root', async () => {
    const target = path.join(root, 'real');
    await mkdir(target);
    await symlink(target, path.join(root, 'alias'));
    expect((await plugin.publishVolume(localPv(path.join(root, 'alias')), ctxOn('node-b'))).hostPath).to.equal(target);
    const linkedRoot = path.join(tmp, 'linked-root');
    await symlink(root, linkedRoot);
    const viaLink = new LocalNode({ roots: [linkedRoot] });
    expect((await viaLink.publishVolume(localPv(target), ctxOn('node-b'))).hostPath).to.equal(target);
  });

  it('creates nothing: a missing path is refused, naming the node', async () => {
    const missing = path.join(root, 'not-made');
    await refused(
      plugin.publishVolume(localPv(missing), ctxOn('node-b')),
      /"[^"]*not-made" does not exist on node "node-b"/,
    );
  });

  it('refuses a file, a relative path, "..", and volumeMode Block', async () => {
    await writeFile(path.join(root, 'file'), 'x');
    await refused(plugin.publishVolume(localPv(path.join(root, 'file')), ctxOn('node-b')), /is not a directory/);
    await refused(plugin.publishVolume(localPv('disks/ssd1'), ctxOn('node-b')), /must be an absolute path/);
    await refused(plugin.publishVolume(localPv(`${root}/../x`), ctxOn('node-b')), /must not contain "\.\."/);
    await mkdir(path.join(root, 'blk'));
    await refused(
      plugin.publishVolume(
        localPv(path.join(root, 'blk'), { nodeAffinity: pinnedTo('node-b'), volumeMode: 'Block' }),
        ctxOn('node-b'),
      ),
      /only volumeMode Filesystem/,
    );
  });

  it('refuses everything when none of the roots exists', async () => {
    const none = new LocalNode({ roots: [path.join(tmp, 'no-such-root')] });
    await refused(
      none.publishVolume(localPv(path.join(tmp, 'no-such-root', 'a')), ctxOn('node-b')),
      /none of this kubelet's --local-volume-roots exists/,
    );
  });

  it('refuses "/" and a root spelled with a trailing slash', async () => {
    await refused(plugin.publishVolume(localPv('/'), ctxOn('node-b')), /host's root directory/);
    await refused(plugin.publishVolume(localPv(`${root}/`), ctxOn('node-b')), /not under/);
    await refused(plugin.publishVolume(localPv(`${root}//.//`), ctxOn('node-b')), /not under/);
  });

  it("refuses the kubelet's own root directory, an ancestor of it, and anything in it outside a root, even under a broad root", async () => {
    // A broad --local-volume-roots (the whole temp dir) that contains the kubelet's --root-dir.
    const kubeletRoot = path.join(tmp, 'node-b', 'kubelet');
    const pods = path.join(kubeletRoot, 'pods', 'other-pod');
    const inside = path.join(kubeletRoot, 'local-volumes', 'ssd1');
    await mkdir(pods, { recursive: true });
    await mkdir(inside, { recursive: true });
    const broad = new LocalNode({ roots: [tmp, path.join(kubeletRoot, 'local-volumes')] });
    const ctx = { ...ctxOn('node-b'), rootDir: kubeletRoot };
    for (const p of [kubeletRoot, path.join(tmp, 'node-b'), pods, `${kubeletRoot}/`])
      await refused(broad.publishVolume(localPv(p), ctx), /kubelet's root directory/);
    // Through a symlink too.
    await symlink(kubeletRoot, path.join(tmp, 'alias'));
    await refused(broad.publishVolume(localPv(path.join(tmp, 'alias')), ctx), /kubelet's root directory/);
    // A root of its own inside the kubelet's directory (the default) is fine.
    expect((await broad.publishVolume(localPv(inside), ctx)).hostPath).to.equal(inside);
  });

  it('binds the real path it checked: a symlink swapped afterwards does not redirect the bind', async () => {
    const target = path.join(root, 'real');
    await mkdir(target);
    const link = path.join(root, 'alias');
    await symlink(target, link);
    const published = await plugin.publishVolume(localPv(link), ctxOn('node-b'));
    await rm(link);
    await symlink('/etc', link);
    expect(published.hostPath).to.equal(target);
  });

  it('unpublish leaves the data alone', async () => {
    const dir = path.join(root, 'ssd1');
    await mkdir(dir);
    await writeFile(path.join(dir, 'data'), 'kept');
    await plugin.publishVolume(localPv(dir), ctxOn('node-b'));
    await plugin.unpublishVolume();
    expect(await realpath(path.join(dir, 'data'))).to.equal(path.join(dir, 'data'));
  });
});
