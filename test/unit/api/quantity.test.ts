import { expect } from 'chai';
import {
  QuantityError,
  canonicalQuantity,
  compareQuantities,
  isQuantity,
  parseQuantity,
  quantityValue,
  tryParseQuantity,
} from '../../../pkg/api/quantity';

describe('parseQuantity', () => {
  const valid: { input: string; milli: bigint }[] = [
    { input: '500Mi', milli: 500n * 1024n * 1024n * 1000n },
    { input: '2Gi', milli: 2147483648n * 1000n },
    { input: '1.5Gi', milli: 1610612736n * 1000n },
    { input: '1Ki', milli: 1024_000n },
    { input: '0.1Ki', milli: 102_400n },
    { input: '1G', milli: 1_000_000_000n * 1000n },
    { input: '100M', milli: 100_000_000n * 1000n },
    { input: '1k', milli: 1_000_000n },
    { input: '1e3', milli: 1_000_000n },
    { input: '1E3', milli: 1_000_000n },
    { input: '1E', milli: 10n ** 18n * 1000n },
    { input: '5e-3', milli: 5n },
    { input: '0.5', milli: 500n },
    { input: '.5', milli: 500n },
    { input: '100m', milli: 100n },
    { input: '1500m', milli: 1500n },
    { input: '0', milli: 0n },
    { input: '+1Gi', milli: 1073741824n * 1000n },
    { input: '-1Gi', milli: -1073741824n * 1000n },
    { input: '-100m', milli: -100n },
    // below a milli-unit rounds up, as Kubernetes does
    { input: '1u', milli: 1n },
    { input: '1n', milli: 1n },
    { input: '8Ei', milli: 9223372036854775808n * 1000n },
    { input: '9223372036854775807', milli: 9223372036854775807n * 1000n },
  ];
  for (const { input, milli } of valid) {
    it(`parses ${JSON.stringify(input)} exactly`, () => {
      expect(parseQuantity(input).milli).to.equal(milli);
      expect(isQuantity(input)).to.equal(true);
    });
  }

  const garbage = [
    '',
    'abc',
    '1.2.3',
    'Gi',
    '1 Gi',
    ' 1Gi',
    '1Gi ',
    '1Gb',
    '1gi',
    '1KiB',
    '--1',
    '1e',
    'e3',
    '.',
    '1.5.Gi',
    '0x10',
  ];
  for (const input of garbage) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(() => parseQuantity(input)).to.throw(QuantityError);
      expect(isQuantity(input)).to.equal(false);
      expect(tryParseQuantity(input)).to.equal(undefined);
    });
  }

  it('isQuantity rejects non-strings and tryParseQuantity a missing value', () => {
    expect(isQuantity(5)).to.equal(false);
    expect(isQuantity(undefined)).to.equal(false);
    expect(tryParseQuantity(undefined)).to.equal(undefined);
    expect(tryParseQuantity('2Gi')?.milli).to.equal(2147483648000n);
  });

  it('error message names the Kubernetes quantity syntax', () => {
    expect(() => parseQuantity('abc')).to.throw(/quantities must match the regular expression/);
  });
});

describe('compareQuantities', () => {
  const rows: { a: string; b: string; want: number }[] = [
    { a: '1Gi', b: '1073741824', want: 0 },
    { a: '1Gi', b: '1G', want: 1 },
    { a: '1G', b: '1Gi', want: -1 },
    { a: '500Mi', b: '0.5Gi', want: -1 }, // 0.5Gi = 512Mi
    { a: '1024Mi', b: '1Gi', want: 0 },
    { a: '1000m', b: '1', want: 0 },
    { a: '1e3', b: '1k', want: 0 },
    { a: '-1', b: '0', want: -1 },
    // beyond 2^53: must compare exactly, not as floats
    { a: '8Ei', b: '9223372036854775807', want: 1 },
    { a: '9223372036854775807', b: '8Ei', want: -1 },
    { a: '9223372036854775808', b: '8Ei', want: 0 },
    { a: '9007199254740993', b: '9007199254740992', want: 1 },
  ];
  for (const { a, b, want } of rows) {
    it(`${a} vs ${b} → ${want}`, () => {
      expect(compareQuantities(parseQuantity(a), parseQuantity(b))).to.equal(want);
    });
  }
});

describe('quantityValue', () => {
  const rows: { input: string; want: bigint }[] = [
    { input: '500Mi', want: 524288000n },
    { input: '1.5Gi', want: 1610612736n },
    { input: '100m', want: 1n },
    { input: '0.5', want: 1n },
    { input: '0', want: 0n },
    { input: '8Ei', want: 9223372036854775808n },
  ];
  for (const { input, want } of rows) {
    it(`${input} is ${want} base units (rounded up)`, () => {
      expect(quantityValue(parseQuantity(input))).to.equal(want);
    });
  }
});

describe('canonicalQuantity (the form Kubernetes stores and prints)', () => {
  const rows: [string | number, string][] = [
    ['2Gi', '2Gi'],
    ['2048Mi', '2Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1024Ki', '1Mi'],
    ['1000Ki', '1000Ki'],
    ['512Ki', '512Ki'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'], // below 1024: decimal
    ['1073741824', '1073741824'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1000M', '1G'],
    ['0.1', '100m'],
    ['1000m', '1'],
    ['100m', '100m'],
    ['1e3', '1e3'],
    ['1e30', '1e30'],
    ['1200e0', '1200'],
    ['1000E', '1000E'],
    ['-1Gi', '-1Gi'],
    ['0', '0'],
    ['0Gi', '0'],
    ['+5', '5'],
    [1073741824, '1073741824'],
    [5, '5'],
    [1.5, '1500m'],
    [1e30, '1e30'],
  ];
  for (const [input, want] of rows) {
    it(`${typeof input === 'number' ? `the number ${input}` : input} → ${want}`, () => {
      expect(canonicalQuantity(input)).to.equal(want);
    });
  }
  it('leaves what is not a quantity to validation', () => {
    expect(canonicalQuantity('abc')).to.equal(undefined);
    expect(canonicalQuantity(Number.NaN)).to.equal(undefined);
    expect(canonicalQuantity(true)).to.equal(undefined);
  });
});
