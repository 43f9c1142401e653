/**
 * The hostPath root flags kube-apiserver and kube-controller-manager both take: the apiserver
 * refuses StorageClasses whose parameters.path lies outside them, the controller-manager
 * provisions and reclaims only inside them, so both must be given the same values.
 */
import type { FlagSpec } from '../../flags/flags';
import { defaultHostPathBaseDir, hostPathProblem, parseRoots } from './roots';

/** `--hostpath-base-dir` and `--hostpath-allowed-roots`; `peer` names the other binary in the help. */
export function hostPathRootFlags(peer: string): Record<'hostpath-base-dir' | 'hostpath-allowed-roots', FlagSpec> {
  return {
    'hostpath-base-dir': {
      type: 'string',
      default: process.env.HOSTPATH_BASE_DIR ?? defaultHostPathBaseDir,
      help: `Directory under which hostPath volumes are provisioned; hostPath StorageClasses may name it in parameters.path (env HOSTPATH_BASE_DIR; give ${peer} the same value).`,
      check: (v) => hostPathProblem(String(v)),
    },
    'hostpath-allowed-roots': {
      type: 'string',
      default: process.env.HOSTPATH_ALLOWED_ROOTS ?? '',
      help: `Comma-separated absolute directories a hostPath StorageClass parameters.path may name besides --hostpath-base-dir (env HOSTPATH_ALLOWED_ROOTS; give ${peer} the same value).`,
      check: (v) => {
        try {
          parseRoots(String(v));
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    },
  };
}
