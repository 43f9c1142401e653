/**
 * The volume plugin registry: finds the plugin for a PV by its source. The kubelet builds one
 * with `newVolumePluginManager` (hostPath + NFS); tests build one from any plugins.
 */
import type { PersistentVolume } from '../api/core/v1';
import type { Mounter } from '../kubelet/mount/mounter';
import { HostPathPlugin } from './hostpath/node';
import { NfsPlugin, type NfsPluginOptions } from './nfs/node';
import {
  pvName,
  VolumeSetupError,
  type VolumeContext,
  type VolumePlugin,
  type VolumeSetupResult,
} from './node_service';

export * from './node_service';
export { HostPathPlugin, HostPathPluginName } from './hostpath/node';
export { NfsPlugin, NfsPluginName, nfsEnvOptions, type NfsPluginOptions } from './nfs/node';

/** Picks plugins by PV source; see the file comment. */
export class VolumePluginManager {
  private readonly plugins: readonly VolumePlugin[];

  constructor(plugins: readonly VolumePlugin[]) {
    const names = new Set<string>();
    for (const p of plugins) {
      if (names.has(p.name)) throw new Error(`volume plugin "${p.name}" registered twice`);
      names.add(p.name);
    }
    this.plugins = [...plugins];
  }

  /** The one plugin supporting `pv`; VolumeSetupError when none (or, ambiguously, several) do. */
  findPlugin(pv: PersistentVolume): VolumePlugin {
    const matches = this.plugins.filter((p) => p.canSupport(pv));
    const [only] = matches;
    if (only && matches.length === 1) return only;
    if (matches.length === 0) {
      throw new VolumeSetupError(
        `no volume plugin supports PersistentVolume "${pvName(pv)}": it needs a hostPath or nfs source (plugins: ${this.names().join(', ')})`,
      );
    }
    throw new VolumeSetupError(
      `PersistentVolume "${pvName(pv)}" matches several volume plugins (${matches.map((p) => p.name).join(', ')}); it must have exactly one source`,
    );
  }

  /** The plugin with this name, if registered. */
  findPluginByName(name: string): VolumePlugin | undefined {
    return this.plugins.find((p) => p.name === name);
  }

  /** Registered plugin names. */
  names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  /** `findPlugin(pv).setUp(pv, ctx)`. */
  setUp(pv: PersistentVolume, ctx: VolumeContext): Promise<VolumeSetupResult> {
    return this.findPlugin(pv).setUp(pv, ctx);
  }

  /** `findPlugin(pv).tearDown(pv, ctx)`. */
  tearDown(pv: PersistentVolume, ctx: VolumeContext): Promise<void> {
    return this.findPlugin(pv).tearDown(pv, ctx);
  }
}

/** Options of `newVolumePluginManager`. */
export interface VolumePluginsOptions {
  mounter: Mounter;
  nfs: Omit<NfsPluginOptions, 'mounter'>;
}

/** The kubelet's plugins: hostPath and NFS. */
export function newVolumePluginManager(options: VolumePluginsOptions): VolumePluginManager {
  return new VolumePluginManager([new HostPathPlugin(), new NfsPlugin({ ...options.nfs, mounter: options.mounter })]);
}
