/**
 * The hostPath driver's node half: the PV's `spec.hostPath.path` is bound into the containers as is.
 *
 * - `type` unset, "" or `DirectoryOrCreate`: created when missing (see host_dirs.ts for the
 *   permissions); `Directory`: must already exist. File/socket/device types are refused (a PV
 *   is a data directory here).
 * - The path must be absolute, without `..`, not `/`, and must not go through a symlink.
 * - `unpublishVolume` does nothing: the data outlives the pod (the reclaim policy decides its fate).
 */
import type { PersistentVolume } from '../../api/core/v1';
import { prepareHostDir } from '../dirs/host_dirs';
import { VolumeSetupError } from '../errors';
import type { NodeService, PublishedVolume, VolumeContext } from '../node_service';
import { pvName } from '../node_service';

/** hostPath `type`s this plugin accepts. */
export const HostPathType = {
  Unset: '',
  DirectoryOrCreate: 'DirectoryOrCreate',
  Directory: 'Directory',
} as const;
export type HostPathType = (typeof HostPathType)[keyof typeof HostPathType];

/** See the file comment. */
export class HostPathNode implements NodeService {
  async publishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<PublishedVolume> {
    const source = pv.spec.hostPath;
    if (!source) throw new VolumeSetupError(`PersistentVolume "${pvName(pv)}" has no hostPath source`);
    const type = source.type ?? HostPathType.Unset;
    if (type !== HostPathType.Unset && type !== HostPathType.DirectoryOrCreate && type !== HostPathType.Directory) {
      throw new VolumeSetupError(
        `PersistentVolume "${pvName(pv)}": hostPath type "${type}" is not supported (use DirectoryOrCreate or Directory)`,
      );
    }
    const hostPath = await prepareHostDir(source.path, {
      create: type !== HostPathType.Directory,
      what: `hostPath of PersistentVolume "${pvName(pv)}"`,
    });
    return { hostPath, readOnly: ctx.readOnly };
  }

  async unpublishVolume(): Promise<void> {
    // The data stays; nothing was mounted.
  }
}
