/**
 * The local driver's node half: the PV's `spec.local.path`, a directory an administrator made
 * on this node, is bound into the containers as its real path, like hostPath — but only here:
 *
 * - The PV's nodeAffinity must admit this kubelet's Node (labels, metadata.name); a local PV
 *   without nodeAffinity is refused (validation requires it; an old object may lack it).
 * - The path must exist (nothing is created: local volumes are static) and be a directory.
 * - Its real path (every symlink resolved) must lie strictly under the real path of one of the
 *   kubelet's --local-volume-roots (default `<root-dir>/local-volumes`). What the kubelet hands
 *   to a container is decided by its own configuration, never by the PV: a path outside the
 *   roots, or one that a symlink leads out of them, is refused, and so is a root itself.
 * - Nor may it be the kubelet's own --root-dir, an ancestor of it, or inside it other than
 *   under a root that is itself inside it (other pods' volumes live there), however broad the
 *   roots are.
 * - Block volumes are refused (Filesystem only); `fsType` applies to block devices and is ignored.
 * - `unpublishVolume` does nothing: the data stays on the node (local PVs are Retain by nature).
 * - `nodeExpandVolume` finishes an expansion (the controller half leaves it to the node).
 */
import { realpath, stat } from 'node:fs/promises';
import type { PersistentVolume } from '../../api/core/v1';
import { lexicallyWithin } from '../../util/fsroots/roots';
import { checkedHostPath, resolvedRoot } from '../dirs/host_dirs';
import { describeRoots, realRoots } from '../dirs/volume_roots';
import { VolumeSetupError } from '../errors';
import { checkFitsFilesystem } from '../expansion';
import { volumeNodeAffinityProblem } from '../node_affinity';
import type { NodeService, PublishContext, PublishedVolume } from '../node_service';
import { pvName } from '../node_service';
import type { LocalSettings } from './identity';

/** See the file comment. */
export class LocalNode implements NodeService {
  constructor(private readonly o: LocalSettings) {}

  async publishVolume(pv: PersistentVolume, ctx: PublishContext): Promise<PublishedVolume> {
    const name = pvName(pv);
    const source = pv.spec.local;
    if (!source) throw new VolumeSetupError(`PersistentVolume "${name}" has no local source`);
    const nodeName = ctx.node.metadata.name ?? '';
    if (!pv.spec.nodeAffinity?.required)
      throw new VolumeSetupError(
        `local PersistentVolume "${name}" has no required nodeAffinity: a local volume must name its node`,
      );
    const affinity = volumeNodeAffinityProblem(pv, ctx.node);
    if (affinity) throw new VolumeSetupError(affinity);
    if ((pv.spec.volumeMode ?? 'Filesystem') !== 'Filesystem')
      throw new VolumeSetupError(`local PersistentVolume "${name}": only volumeMode Filesystem is supported`);
    const what = `local path of PersistentVolume "${name}"`;
    const requested = checkedHostPath(source.path, what);
    const roots = await realRoots(this.o.roots);
    if (roots.length === 0)
      throw new VolumeSetupError(
        `${what} "${requested}" cannot be used: none of this kubelet's --local-volume-roots exists (${describeRoots(this.o.roots)})`,
      );
    const real = await resolveExisting(requested, what, nodeName);
    if (!roots.some((r) => lexicallyWithin(real, r, true))) {
      const via = real === requested ? '' : ` (it resolves to ${real} through a symlink)`;
      throw new VolumeSetupError(
        `${what} "${requested}"${via} is not under one of node "${nodeName}"'s local volume roots (${describeRoots(roots)}); refusing it`,
      );
    }
    const kubeletDir = await resolvedRoot(ctx.rootDir);
    const ownRoots = roots.filter((r) => lexicallyWithin(r, kubeletDir, true));
    if (
      lexicallyWithin(kubeletDir, real, false) ||
      (lexicallyWithin(real, kubeletDir, true) && !ownRoots.some((r) => lexicallyWithin(real, r, true)))
    )
      throw new VolumeSetupError(
        `${what} "${requested}" is, contains or lies in the kubelet's root directory ${kubeletDir}; refusing it`,
      );
    const st = await stat(real).catch((err: unknown) => {
      throw new VolumeSetupError(`${what} "${requested}" is not usable: ${(err as Error).message}`);
    });
    if (!st.isDirectory())
      throw new VolumeSetupError(`${what} "${requested}" is not a directory (only directories are supported)`);
    return { hostPath: real, readOnly: ctx.readOnly };
  }

  async unpublishVolume(): Promise<void> {
    // The data stays; nothing was mounted.
  }

  /**
   * The node side of an expansion: the directory must still be usable here (the publish
   * checks) and the size must fit the filesystem holding it (else NodeResizeInfeasible).
   */
  async nodeExpandVolume(pv: PersistentVolume, capacity: string, ctx: PublishContext): Promise<string> {
    const { hostPath } = await this.publishVolume(pv, ctx);
    await checkFitsFilesystem(hostPath, capacity, `local path ${hostPath}`);
    return capacity;
  }
}

/** The real path of an existing `p`; a VolumeSetupError saying it is missing (on this node) otherwise. */
async function resolveExisting(p: string, what: string, nodeName: string): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new VolumeSetupError(`${what} "${p}" does not exist on node "${nodeName}"`);
    throw new VolumeSetupError(`${what} "${p}" cannot be resolved: ${code ?? String(err)}`);
  }
}
