/**
 * The naming check (kube-apiserver's NamingConditionController): a CRD's names are accepted
 * unless another CRD of the same group already accepted one of them, or a built-in resource of
 * the group uses it. The CRD keeps its earlier accepted names while new ones conflict.
 */
import type { CustomResourceDefinition, CustomResourceDefinitionNames } from '../../api/apiextensions/v1';
import type { ResourceInfo } from '../../api/resources';

/** The outcome of the naming check. */
export interface NamingResult {
  accepted: boolean;
  /** Why not (kube-apiserver's message), when not accepted. */
  message?: string;
  /** The names to serve (the requested ones, or the previously accepted ones on conflict). */
  names?: CustomResourceDefinitionNames;
}

function resourceNames(n: CustomResourceDefinitionNames): Set<string> {
  return new Set([n.plural, n.singular ?? '', ...(n.shortNames ?? [])].filter((x) => x !== ''));
}

function kindNames(n: CustomResourceDefinitionNames): Set<string> {
  return new Set([n.kind, n.listKind ?? `${n.kind}List`]);
}

/** Checks `crd`'s requested names against the other CRDs and the built-in resources. */
export function checkNames(
  crd: CustomResourceDefinition,
  others: readonly CustomResourceDefinition[],
  builtins: readonly ResourceInfo[],
): NamingResult {
  const want = crd.spec.names;
  const taken = new Set<string>();
  const takenKinds = new Set<string>();
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || o.spec.group !== crd.spec.group) continue;
    const n = o.status?.acceptedNames;
    if (!n) continue;
    for (const x of resourceNames(n)) taken.add(x);
    for (const x of kindNames(n)) takenKinds.add(x);
  }
  for (const b of builtins) {
    if (b.group !== crd.spec.group) continue;
    for (const x of [b.resource, b.singular, ...b.shortNames]) taken.add(x);
    takenKinds.add(b.kind);
    takenKinds.add(b.listKind);
  }
  const fail = (message: string): NamingResult => ({
    accepted: false,
    message,
    ...(crd.status?.acceptedNames?.plural ? { names: crd.status.acceptedNames } : {}),
  });
  if (taken.has(want.plural)) return fail(`"${want.plural}" is already in use`);
  if (want.singular && taken.has(want.singular)) return fail(`"${want.singular}" is already in use`);
  for (const s of want.shortNames ?? []) if (taken.has(s)) return fail(`"${s}" is already in use`);
  if (takenKinds.has(want.kind)) return fail(`"${want.kind}" is already in use`);
  const listKind = want.listKind ?? `${want.kind}List`;
  if (takenKinds.has(listKind)) return fail(`"${listKind}" is already in use`);
  return {
    accepted: true,
    names: {
      ...want,
      singular: want.singular || want.kind.toLowerCase(),
      listKind,
    },
  };
}
