/** Setting CRD conditions (lastTransitionTime moves only when the status changes). */
import type { CustomResourceDefinition, CustomResourceDefinitionCondition } from '../../api/apiextensions/v1';
import { rfc3339 } from '../../api/time';

/** `crd` with condition `c` set (replacing one of the same type). */
export function setCrdCondition(
  crd: CustomResourceDefinition,
  c: CustomResourceDefinitionCondition,
  now: Date = new Date(),
): CustomResourceDefinition {
  const conditions = [...(crd.status?.conditions ?? [])];
  const i = conditions.findIndex((x) => x.type === c.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const next = {
    ...c,
    lastTransitionTime:
      old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  return { ...crd, status: { ...crd.status, conditions } };
}
