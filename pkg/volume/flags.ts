/**
 * The flags and environment variables the built-in drivers take, per binary, and the driver
 * settings they give: the mains add these flags and hand the settings to drivers.ts, so a
 * driver's configuration lives with the drivers, not in cmd/.
 */
import { FlagError, type FlagSpec, type FlagValues } from '../flags/flags';
import { hostPathRootFlags } from '../util/fsroots/flags';
import { hostPathProblem, parseRoots } from '../util/fsroots/roots';
import type { DriverSettings } from './drivers';
import { DefaultNfsExportPath, DefaultNfsExportRoot } from './nfs/identity';
import { nfsEnvOptions } from './nfs/node';

/** The binaries that configure drivers. */
export type DriverComponent = 'kube-controller-manager' | 'kubelet';

/** The driver flags of `component`. */
export function driverFlags(component: DriverComponent, env: NodeJS.ProcessEnv): Record<string, FlagSpec> {
  const exportRootHelp =
    component === 'kubelet'
      ? 'Local directory backing the NFS export when IS_NFS_SERVER=true (env NFS_EXPORT_ROOT).'
      : 'Local directory backing the NFS export on the NFS server (env NFS_EXPORT_ROOT).';
  return {
    ...(component === 'kube-controller-manager' ? hostPathRootFlags('kube-apiserver') : {}),
    'nfs-export-root': { type: 'string', default: env.NFS_EXPORT_ROOT ?? DefaultNfsExportRoot, help: exportRootHelp },
    'nfs-export-path': {
      type: 'string',
      default: env.NFS_EXPORT_PATH ?? DefaultNfsExportPath,
      help: 'Path the NFS server exports --nfs-export-root as (env NFS_EXPORT_PATH).',
    },
  };
}

/**
 * The driver settings from `driverFlags(component)` values and the seed's NFS_SERVER /
 * IS_NFS_SERVER; FlagError (one line) on a bad value. The controller-manager is strict about
 * IS_NFS_SERVER (it decides what gets created on disk); the kubelet takes true/1/yes.
 */
export function driverSettingsFromFlags(
  component: DriverComponent,
  f: FlagValues,
  env: NodeJS.ProcessEnv,
): DriverSettings {
  const exportRoot = String(f['nfs-export-root']);
  const exportPath = String(f['nfs-export-path']);
  if (component === 'kubelet') {
    const nfs = nfsEnvOptions(env);
    return { nfs: { server: nfs.nfsServer, isServer: nfs.isNfsServer, exportRoot, exportPath } };
  }
  const isNfsServer = (env.IS_NFS_SERVER ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(isNfsServer))
    throw new FlagError(`IS_NFS_SERVER must be true or false, not "${env.IS_NFS_SERVER ?? ''}"`);
  for (const dir of ['hostpath-base-dir', 'nfs-export-root', 'nfs-export-path'] as const) {
    const problem = hostPathProblem(String(f[dir]));
    if (problem) throw new FlagError(`--${dir} ${problem}`);
  }
  return {
    hostPath: {
      baseDir: String(f['hostpath-base-dir']),
      allowedRoots: parseRoots(String(f['hostpath-allowed-roots'])),
    },
    nfs: {
      server: env.NFS_SERVER || 'localhost',
      isServer: isNfsServer === 'true' || isNfsServer === '1',
      exportRoot,
      exportPath,
    },
  };
}

/** Every directory the drivers provision under (nothing of the controller's own may lie inside one). */
export function driverRoots(s: DriverSettings): string[] {
  return [...(s.hostPath?.baseDir ? [s.hostPath.baseDir] : []), s.nfs.exportRoot, ...(s.hostPath?.allowedRoots ?? [])];
}
