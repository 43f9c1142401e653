/** The hostPath driver's command line: the controller-manager's --hostpath-base-dir, --hostpath-allowed-roots and --snapshot-root. */
import { FlagError } from '../../flags/flags';
import { hostPathRootFlags } from '../../util/fsroots/flags';
import { hostPathProblem, lexicallyWithin, parseRoots } from '../../util/fsroots/roots';
import type { DriverConfigurator } from '../configurator';
import { newHostPathDriver } from './driver';
import { defaultSnapshotRoot } from './snapshots';

/** See the file comment; the kubelet's half needs no settings. */
export const hostPathConfigurator: DriverConfigurator = {
  flags: (component) =>
    component === 'kube-controller-manager'
      ? {
          ...hostPathRootFlags('kube-apiserver'),
          'snapshot-root': {
            type: 'string',
            default: '',
            help: 'Directory where hostPath volume snapshots are copied (default: "snapshots" next to --hostpath-base-dir); must not lie inside a hostPath root.',
            check: (v) => (String(v) === '' ? undefined : hostPathProblem(String(v))),
          },
        }
      : {},
  configure: (component, f) => {
    if (component !== 'kube-controller-manager') return { driver: newHostPathDriver(), roots: [] };
    const baseDir = String(f['hostpath-base-dir']);
    const problem = hostPathProblem(baseDir);
    if (problem) throw new FlagError(`--hostpath-base-dir ${problem}`);
    const allowedRoots = parseRoots(String(f['hostpath-allowed-roots']));
    const snapshotRoot = String(f['snapshot-root']) || defaultSnapshotRoot(baseDir);
    const inside = [baseDir, ...allowedRoots].find(
      (r) => lexicallyWithin(snapshotRoot, r, false) || lexicallyWithin(r, snapshotRoot, false),
    );
    if (inside)
      throw new FlagError(
        `--snapshot-root ${snapshotRoot} must not be, contain or lie inside the hostPath root ${inside}`,
      );
    return {
      driver: newHostPathDriver({ baseDir, allowedRoots, snapshotRoot }),
      roots: [baseDir, ...allowedRoots],
    };
  },
};
