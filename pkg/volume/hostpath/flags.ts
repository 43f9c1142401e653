/** The hostPath driver's command line: the controller-manager's --hostpath-base-dir and --hostpath-allowed-roots. */
import { FlagError } from '../../flags/flags';
import { hostPathRootFlags } from '../../util/fsroots/flags';
import { hostPathProblem, parseRoots } from '../../util/fsroots/roots';
import type { DriverConfigurator } from '../configurator';
import { newHostPathDriver } from './driver';

/** See the file comment; the kubelet's half needs no settings. */
export const hostPathConfigurator: DriverConfigurator = {
  flags: (component) => (component === 'kube-controller-manager' ? hostPathRootFlags('kube-apiserver') : {}),
  configure: (component, f) => {
    if (component !== 'kube-controller-manager') return { driver: newHostPathDriver(), roots: [] };
    const baseDir = String(f['hostpath-base-dir']);
    const problem = hostPathProblem(baseDir);
    if (problem) throw new FlagError(`--hostpath-base-dir ${problem}`);
    const allowedRoots = parseRoots(String(f['hostpath-allowed-roots']));
    return { driver: newHostPathDriver({ baseDir, allowedRoots }), roots: [baseDir, ...allowedRoots] };
  },
};
