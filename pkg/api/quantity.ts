/**
 * resource.Quantity parsing as Kubernetes does it: `<sign><number><suffix>` where suffix is a
 * binary SI (Ki…Ei), decimal SI (n u m k M G T P E) or a decimal exponent (e3, E6).
 * Values are held exactly as a rational number of milli-units in a bigint and compared as such:
 * never floats. Precision below a milli-unit is rounded up, as Kubernetes rounds up.
 */

const binary: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** An exact quantity; `milli` is the value times 1000, rounded up. */
export interface Quantity {
  readonly milli: bigint;
}

/** Error thrown for a string that is not a valid quantity. */
export class QuantityError extends Error {}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Ceiling division for non-negative divisors. */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Parses a quantity string; throws QuantityError on garbage. */
export function parseQuantity(input: string): Quantity {
  const m = pattern.exec(input.trim() === input ? input : '');
  if (!m)
    throw new QuantityError(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  const [, sign = '', num = '', suffix = ''] = m;
  const [intPart = '', fracPart = ''] = num.split('.');
  // mantissa = digits / 10^fracLen
  const digits = BigInt((intPart || '0') + fracPart);
  const fracLen = fracPart.length;
  let milli: bigint;
  const mult = binary[suffix];
  if (mult !== undefined) {
    milli = divCeil(digits * mult * 1000n, pow10(fracLen));
  } else {
    const exp = suffix === '' || suffix in decimal ? (decimal[suffix] ?? 0) : Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100)
      throw new QuantityError(`quantity exponent out of range: ${input}`);
    const scale = exp + 3 - fracLen;
    milli = scale >= 0 ? digits * pow10(scale) : divCeil(digits, pow10(-scale));
  }
  return { milli: sign === '-' ? -milli : milli };
}

/** True when `s` parses as a quantity. */
export function isQuantity(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/** -1, 0 or 1 as a compares to b, exactly. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.milli < b.milli ? -1 : a.milli > b.milli ? 1 : 0;
}

/** The whole number of base units (bytes for storage), rounded up. */
export function quantityValue(q: Quantity): bigint {
  return divCeil(q.milli, 1000n);
}

/** Parses `s`, returning undefined for garbage or a missing value. */
export function tryParseQuantity(s: string | undefined): Quantity | undefined {
  if (s === undefined) return undefined;
  try {
    return parseQuantity(s);
  } catch {
    return undefined;
  }
}

const binaryUnits = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const decimalUnits: Readonly<Record<number, string>> = {
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * The canonical form of a quantity, as Kubernetes stores and prints it (a JSON number is taken
 * as its decimal text): the format of the input's suffix kept (binary Ki…Ei, decimal SI, or a
 * decimal exponent), the largest unit that leaves a whole mantissa. A binary quantity below
 * 1024 or not a whole number is written in decimal SI. `2048Mi` → `2Gi`, `1.5Gi` → `1536Mi`,
 * `1000` → `1k`, `0.1` → `100m`, `1e30` stays. Undefined for anything that is not a quantity.
 */
export function canonicalQuantity(input: unknown): string | undefined {
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof text !== 'string') return undefined;
  const q = tryParseQuantity(text);
  const m = q ? pattern.exec(text) : null;
  if (!q || !m) return undefined;
  const suffix = m[3] ?? '';
  const sign = q.milli < 0n ? '-' : '';
  const milli = q.milli < 0n ? -q.milli : q.milli;
  if (milli === 0n) return '0';
  if (binary[suffix] !== undefined && milli >= 1024_000n && milli % 1000n === 0n) {
    let n = milli / 1000n;
    let unit = 0;
    while (unit < binaryUnits.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      unit++;
    }
    return `${sign}${n}${binaryUnits[unit]}`;
  }
  // Decimal: milli = n × 10^(e+3), e a multiple of 3, as large as leaves n whole.
  const exponential = /^[eE][+-]?\d+$/.test(suffix);
  let n = milli;
  let e = -3;
  while (n % 1000n === 0n && (exponential || e < 18)) {
    n /= 1000n;
    e += 3;
  }
  const unit = exponential ? (e === 0 ? '' : `e${e}`) : (decimalUnits[e] ?? '');
  return `${sign}${n}${unit}`;
}
