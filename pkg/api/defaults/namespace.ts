/** Namespace defaulting (k8s SetDefaults_Namespace and the namespace strategy's create). */
import type { Namespace } from '../core/v1';

/** The finalizer Kubernetes puts on every namespace's spec. */
export const FinalizerKubernetes = 'kubernetes';

/** The label every namespace carries with its own name (selectable like any label). */
export const LabelMetadataName = 'kubernetes.io/metadata.name';

/** A copy of `ns` labelled `kubernetes.io/metadata.name=<its name>` (set on every write, as Kubernetes does). */
export function withNameLabel(ns: Namespace): Namespace {
  const name = ns.metadata.name;
  return name
    ? { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, [LabelMetadataName]: name } } }
    : ns;
}

/**
 * A copy of `ns` with the defaults applied (the input is not changed): status.phase Active when
 * unset, spec.finalizers ['kubernetes'] when unset, and the name label.
 */
export function defaultNamespace(ns: Namespace): Namespace {
  return {
    ...withNameLabel(ns),
    spec: { ...ns.spec, finalizers: ns.spec?.finalizers ? [...ns.spec.finalizers] : [FinalizerKubernetes] },
    status: { ...ns.status, phase: ns.status?.phase ?? 'Active' },
  };
}
