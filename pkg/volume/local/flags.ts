/**
 * The local driver's command line: the kubelet's --local-volume-roots (default
 * `<--root-dir>/local-volumes`, so each kubelet of several on one machine has its own). The
 * controller-manager takes no flags: its half provisions nothing.
 */
import path from 'node:path';
import { FlagError, type FlagSpec } from '../../flags/flags';
import { parseRoots } from '../../util/fsroots/roots';
import type { DriverConfigurator } from '../configurator';
import { newLocalDriver } from './driver';
import { DefaultLocalRootName } from './identity';

/** The roots a --local-volume-roots value gives (empty: `<rootDir>/local-volumes`); throws an Error naming a bad item. */
export function localVolumeRoots(value: string, rootDir: string): string[] {
  const roots = parseRoots(value);
  return roots.length ? roots : [path.join(path.resolve(rootDir), DefaultLocalRootName)];
}

/** See the file comment. */
export const localConfigurator: DriverConfigurator = {
  flags: (component): Record<string, FlagSpec> =>
    component === 'kubelet'
      ? {
          'local-volume-roots': {
            type: 'string',
            default: '',
            help: `Comma-separated absolute directories local PersistentVolumes on this node must lie under (real paths, symlinks resolved; default <root-dir>/${DefaultLocalRootName}).`,
            check: (v) => {
              try {
                parseRoots(String(v));
                return undefined;
              } catch (err) {
                return (err as Error).message;
              }
            },
          },
        }
      : {},
  configure: (component, f) => {
    if (component !== 'kubelet') return { driver: newLocalDriver(), roots: [] };
    try {
      return {
        driver: newLocalDriver({ roots: localVolumeRoots(String(f['local-volume-roots']), String(f['root-dir'])) }),
        roots: [],
      };
    } catch (err) {
      throw new FlagError(`--local-volume-roots: ${(err as Error).message}`);
    }
  },
};
