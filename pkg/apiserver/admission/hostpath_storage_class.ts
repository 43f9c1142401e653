/**
 * The HostPathStorageClass admission check (always on, like validation): a StorageClass of the hostPath provisioner
 * (`kubestore.io/hostpath`) may name in `parameters.path` only a directory equal to or under a
 * root the administrator allows: kube-apiserver's `--hostpath-base-dir` plus
 * `--hostpath-allowed-roots` (the same two flags, with the same values, as the
 * controller-manager's; hack/local-up-cluster.sh passes both to both). A relative path, "..",
 * a NUL byte or a directory elsewhere is refused with 422 Invalid naming `parameters.path`.
 * Checked when a class is created (and whenever its parameters.path would change, which
 * StorageClass validation forbids anyway); the controller-manager checks its own roots again
 * when it provisions (ProvisioningFailed), in case the roots changed since.
 */
import type { KubeObject, StatusCause } from '../../api/meta';
import { invalid } from '../../api/errors';
import { requestedPathProblem } from '../../util/fsroots/roots';
import { hostPathIdentity } from '../../volume/hostpath/identity';

interface ClassShape {
  provisioner?: unknown;
  parameters?: Record<string, unknown>;
}

/**
 * Admits the write of `obj` (a storageclasses object; other resources pass) against `roots`;
 * throws a 422 StatusError when its hostPath `parameters.path` is not allowed.
 */
export function admitHostPathClass(
  resource: string,
  obj: KubeObject,
  old: KubeObject | undefined,
  roots: readonly string[],
): void {
  if (resource !== 'storageclasses') return;
  const sc = obj as unknown as ClassShape;
  if (sc.provisioner !== hostPathIdentity.provisioner) return;
  const p = sc.parameters?.path;
  if (p === undefined) return;
  if (old && (old as unknown as ClassShape).parameters?.path === p) return;
  const problem = typeof p === 'string' ? requestedPathProblem(p, roots) : 'must be a string';
  if (!problem) return;
  const cause: StatusCause = {
    reason: 'FieldValueInvalid',
    field: 'parameters.path',
    message: `Invalid value: ${JSON.stringify(p)}: ${problem} (kube-apiserver --hostpath-base-dir, --hostpath-allowed-roots)`,
  };
  throw invalid('StorageClass', obj.metadata.name ?? '', [cause]);
}
