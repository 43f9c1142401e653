import { expect } from 'chai';
import { jsonClone } from '../../../../pkg/util/json/clone';

describe('jsonClone', () => {
  it('copies nested objects and arrays deeply; the copy shares nothing mutable', () => {
    const src = { a: 1, b: 'x', c: null, d: true, e: [1, { f: [2, 3] }], g: { h: { i: 'j' } } };
    const copy = jsonClone(src);
    expect(copy).to.deep.equal(src);
    copy.e.push(4);
    (copy.e[1] as { f: number[] }).f.push(9);
    copy.g.h.i = 'changed';
    expect(src).to.deep.equal({ a: 1, b: 'x', c: null, d: true, e: [1, { f: [2, 3] }], g: { h: { i: 'j' } } });
  });

  it('returns scalars as they are', () => {
    expect(jsonClone('s')).to.equal('s');
    expect(jsonClone(3)).to.equal(3);
    expect(jsonClone(null)).to.equal(null);
  });
});
