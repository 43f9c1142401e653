/** Namespace defaulting (k8s SetDefaults_Namespace and the namespace strategy's create). */
import type { Namespace } from '../core/v1';

/** The finalizer Kubernetes puts on every namespace's spec. */
export const FinalizerKubernetes = 'kubernetes';

/**
 * A copy of `ns` with the defaults applied (the input is not changed): status.phase Active when
 * unset and spec.finalizers ['kubernetes'] when unset.
 */
export function defaultNamespace(ns: Namespace): Namespace {
  return {
    ...ns,
    spec: { ...ns.spec, finalizers: ns.spec?.finalizers ? [...ns.spec.finalizers] : [FinalizerKubernetes] },
    status: { ...ns.status, phase: ns.status?.phase ?? 'Active' },
  };
}
