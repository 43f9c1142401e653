/**
 * The NFS driver's command line: --nfs-export-root and --nfs-export-path (env NFS_EXPORT_ROOT,
 * NFS_EXPORT_PATH) and the seed's NFS_SERVER / IS_NFS_SERVER. The controller-manager is strict
 * about IS_NFS_SERVER (it decides what gets created on disk); the kubelet takes true/1/yes.
 */
import { FlagError } from '../../flags/flags';
import { hostPathProblem } from '../../util/fsroots/roots';
import type { DriverConfigurator } from '../configurator';
import { newNfsDriver } from './driver';
import { DefaultNfsExportPath, DefaultNfsExportRoot, type NfsSettings } from './identity';
import { nfsEnvOptions } from './node';

/** IS_NFS_SERVER as the controller-manager reads it: true/false/1/0 or unset, else a FlagError. */
function strictIsServer(env: NodeJS.ProcessEnv): boolean {
  const v = (env.IS_NFS_SERVER ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(v))
    throw new FlagError(`IS_NFS_SERVER must be true or false, not "${env.IS_NFS_SERVER ?? ''}"`);
  return v === 'true' || v === '1';
}

/** See the file comment. */
export const nfsConfigurator: DriverConfigurator = {
  flags: (component, env) => ({
    'nfs-export-root': {
      type: 'string',
      default: env.NFS_EXPORT_ROOT ?? DefaultNfsExportRoot,
      help:
        component === 'kubelet'
          ? 'Local directory backing the NFS export when IS_NFS_SERVER=true (env NFS_EXPORT_ROOT).'
          : 'Local directory backing the NFS export on the NFS server (env NFS_EXPORT_ROOT).',
    },
    'nfs-export-path': {
      type: 'string',
      default: env.NFS_EXPORT_PATH ?? DefaultNfsExportPath,
      help: 'Path the NFS server exports --nfs-export-root as (env NFS_EXPORT_PATH).',
    },
  }),
  configure: (component, f, env) => {
    const exportRoot = String(f['nfs-export-root']);
    const exportPath = String(f['nfs-export-path']);
    let settings: NfsSettings;
    if (component === 'kubelet') {
      const e = nfsEnvOptions(env);
      settings = { server: e.nfsServer, isServer: e.isNfsServer, exportRoot, exportPath };
    } else {
      const isServer = strictIsServer(env);
      for (const [flag, v] of [
        ['nfs-export-root', exportRoot],
        ['nfs-export-path', exportPath],
      ] as const) {
        const problem = hostPathProblem(v);
        if (problem) throw new FlagError(`--${flag} ${problem}`);
      }
      settings = { server: env.NFS_SERVER || 'localhost', isServer, exportRoot, exportPath };
    }
    return { driver: newNfsDriver(settings), roots: [exportRoot] };
  },
};
