/**
 * Namespace strategy: cluster-scoped; Active, with the `kubernetes` finalizer, on create;
 * labelled with its name on every write (`kubernetes.io/metadata.name`). Its spec.finalizers
 * change only through namespaces/finalize; while they are set, a DELETE only marks it
 * (deletionTimestamp, phase Terminating) until the namespace controller has emptied it and
 * finalized it.
 */
import type { Namespace } from '../../../api/core/v1';
import { defaultNamespace } from '../../../api/defaults';
import { FinalizerKubernetes, withNameLabel } from '../../../api/defaults/namespace';
import { namespaces } from '../../../api/resources';
import { validateNamespace, validateNamespaceStatusUpdate } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

/** `ns` with the finalizers of `from` (none when `from` has none). */
function withFinalizersOf(ns: Namespace, from: Namespace): Namespace {
  const { finalizers: _dropped, ...spec } = ns.spec ?? {};
  const finalizers = from.spec?.finalizers;
  return { ...ns, spec: finalizers ? { ...spec, finalizers } : spec };
}

/** `ns` with the `kubernetes` finalizer added: every new namespace gets it, whatever it asked for. */
function withKubernetesFinalizer(ns: Namespace): Namespace {
  const finalizers = ns.spec?.finalizers ?? [];
  return finalizers.includes(FinalizerKubernetes)
    ? ns
    : { ...ns, spec: { ...ns.spec, finalizers: [...finalizers, FinalizerKubernetes] } };
}

export const namespaceStrategy: Strategy<Namespace> = {
  ...defaultStrategy,
  info: namespaces,
  selectableFields: ['status.phase'],
  prepareForCreate: (ns) => withKubernetesFinalizer(defaultNamespace({ ...ns, status: { phase: 'Active' } })),
  validate: validateNamespace,
  prepareForUpdate: (ns, old) => withFinalizersOf(withNameLabel(ns), old),
  validateUpdate: validateNamespace,
  validateStatusUpdate: validateNamespaceStatusUpdate,
  fields: (ns) => ({ 'status.phase': ns.status?.phase }),
  updateSubresources: { finalize: (desired, cur) => withFinalizersOf(cur, desired) },
  deletionPending: (ns) => (ns.spec?.finalizers?.length ?? 0) > 0,
  prepareForDeletion: (ns) => ({ ...ns, status: { ...ns.status, phase: 'Terminating' } }),
};
