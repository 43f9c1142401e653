import { expect } from 'chai';
import { jitter } from '../../../../pkg/util/wait/jitter';

describe('util/wait: jitter', () => {
  it('stretches a period upwards by at most the factor: [d, d·(1+factor))', () => {
    expect(jitter(1000, 0.2, () => 0)).to.equal(1000);
    expect(jitter(1000, 0.2, () => 0.5)).to.equal(1100);
    expect(jitter(1000, 0.2, () => 0.999999))
      .to.be.within(1199.99, 1200)
      .and.below(1200);
    for (let i = 0; i < 1000; i++) expect(jitter(1000, 0.2)).to.be.at.least(1000).and.below(1200);
  });

  it('a factor of 0 or less leaves the period exact', () => {
    expect(jitter(1000, 0, () => 0.9)).to.equal(1000);
    expect(jitter(1000, -1, () => 0.9)).to.equal(1000);
  });
});
