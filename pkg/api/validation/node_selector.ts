/**
 * Node selector validation (k8s ValidateNodeSelector), shared by a PV's required node affinity
 * and a pod's required node affinity: at least one term; each matchExpressions requirement a
 * label key with a known operator and the values that operator takes (Gt/Lt: one integer);
 * each matchFields requirement on `metadata.name` with In/NotIn and exactly one value.
 */
import type { NodeSelector, NodeSelectorRequirement } from '../core/v1';
import { type FieldError, forbidden, invalid, notSupported, required } from './field';
import { checkField, isQualifiedName } from './names';

/** The only field a node selector's matchFields may name. */
const nodeFieldSelectorKeys: readonly string[] = ['metadata.name'];

/** One matchExpressions requirement at `field`. */
export function validateNodeSelectorRequirement(req: NodeSelectorRequirement, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errs.push(required(`${field}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        errs.push(forbidden(`${field}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? '')) {
        errs.push(required(`${field}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      }
      break;
    default:
      errs.push(invalid(`${field}.operator`, req.operator, 'not a valid selector operator'));
  }
  errs.push(...checkField(req.key ?? '', `${field}.key`, isQualifiedName));
  return errs;
}

/** One matchFields requirement at `field` (k8s validateNodeFieldSelectorRequirement). */
function validateNodeFieldSelectorRequirement(req: NodeSelectorRequirement, field: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if ((req.values ?? []).length !== 1)
        errs.push(
          required(
            `${field}.values`,
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
          ),
        );
      break;
    default:
      errs.push(invalid(`${field}.operator`, req.operator, 'not a valid selector operator'));
  }
  if (!nodeFieldSelectorKeys.includes(req.key ?? ''))
    errs.push(notSupported(`${field}.key`, req.key ?? '', nodeFieldSelectorKeys));
  return errs;
}

/** A required node selector at `field`: at least one term, each requirement valid. */
export function validateNodeSelector(sel: NodeSelector, field: string): FieldError[] {
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(`${field}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => {
    const p = `${field}.nodeSelectorTerms[${i}]`;
    return [
      ...(term.matchExpressions ?? []).flatMap((r, j) =>
        validateNodeSelectorRequirement(r, `${p}.matchExpressions[${j}]`),
      ),
      ...(term.matchFields ?? []).flatMap((r, j) => validateNodeFieldSelectorRequirement(r, `${p}.matchFields[${j}]`)),
    ];
  });
}
