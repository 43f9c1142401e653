/** Structured label selector checks (metav1 validation.ValidateLabelSelector). */
import type { LabelSelector } from '../meta';
import { type FieldError, invalid, required, forbidden } from './field';
import { isValidLabelValue, validateLabelName, validateLabels } from './names';

/**
 * matchLabels are valid labels; each matchExpressions entry has a valid key, an operator among
 * In/NotIn (values required) and Exists/DoesNotExist (values forbidden), and valid values.
 */
export function validateLabelSelector(sel: LabelSelector | undefined, field: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${field}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, req.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(req.key ?? '', `${p}.key`));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
