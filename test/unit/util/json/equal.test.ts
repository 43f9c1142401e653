import { expect } from 'chai';
import { jsonEqual } from '../../../../pkg/util/json/equal';

describe('jsonEqual', () => {
  const rows: [string, unknown, unknown, boolean][] = [
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 1, '1', false],
    ['null vs undefined', null, undefined, false],
    ['key order does not matter', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ['undefined field is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['absent vs null field', { a: 1, b: null }, { a: 1 }, false],
    ['extra field', { a: 1 }, { a: 1, b: 2 }, false],
    ['nested difference', { a: { b: [1, 2] } }, { a: { b: [1, 3] } }, false],
    ['array length', [1], [1, 1], false],
    ['undefined array item is null', [undefined], [null], true],
    ['array vs object', [], {}, false],
    ['object vs null', {}, null, false],
  ];
  for (const [name, a, b, want] of rows) {
    it(`${name} → ${want}`, () => {
      expect(jsonEqual(a, b)).to.equal(want);
      expect(jsonEqual(b, a)).to.equal(want);
    });
  }
});
