/**
 * Resource quantity checks (k8s ValidateResourceQuantityValue / ValidatePositiveQuantityValue):
 * a quantity string must parse, and be non-negative or positive as the field demands.
 */
import { type Quantity, QuantityError, parseQuantity } from '../quantity';
import { type FieldError, invalid, required } from './field';

/** Detail of a quantity that must not be negative. */
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
/** Detail of a quantity that must be positive. */
export const isNotPositiveErrorMsg = 'must be greater than zero';

/** The parsed quantity, or the field error saying why `value` is not one. */
export function parseQuantityField(value: unknown, field: string): { quantity: Quantity } | { error: FieldError } {
  if (value === undefined || value === null || value === '') return { error: required(field) };
  if (typeof value !== 'string' && typeof value !== 'number')
    return { error: invalid(field, value, 'must be a quantity') };
  try {
    return { quantity: parseQuantity(String(value)) };
  } catch (err) {
    const detail = err instanceof QuantityError ? err.message : 'must be a quantity';
    return { error: invalid(field, value, detail) };
  }
}

/** A required quantity at `field` that parses and is ≥ 0 (or > 0 with `positive`). */
export function validateQuantity(value: unknown, field: string, opts: { positive?: boolean } = {}): FieldError[] {
  const r = parseQuantityField(value, field);
  if ('error' in r) return [r.error];
  if (opts.positive ? r.quantity.milli <= 0n : r.quantity.milli < 0n) {
    return [invalid(field, value, opts.positive ? isNotPositiveErrorMsg : isNegativeErrorMsg)];
  }
  return [];
}

/** Every entry of a resource list (`requests`, `capacity`) at `field[name]`: a non-negative quantity. */
export function validateResourceList(list: Record<string, string> | undefined, field: string): FieldError[] {
  return Object.entries(list ?? {}).flatMap(([name, v]) => validateQuantity(v, `${field}[${name}]`));
}
