import { expect } from 'chai';
import { microTime, rfc3339 } from '../../../pkg/api/time';

describe('timestamps', () => {
  it('rfc3339 has whole seconds, also when called again within the same second', () => {
    expect(rfc3339(new Date('2026-11-21T07:00:00.123Z'))).to.equal('2026-11-21T07:00:00Z');
    expect(rfc3339(new Date('2026-11-21T07:00:00.999Z'))).to.equal('2026-11-21T07:00:00Z');
    expect(rfc3339(new Date('2026-11-21T07:00:01.000Z'))).to.equal('2026-11-21T07:00:01Z');
    expect(rfc3339(new Date('2026-11-21T07:00:00.500Z'))).to.equal('2026-11-21T07:00:00Z');
  });

  it('microTime has six fractional digits', () => {
    expect(microTime(new Date('2026-11-21T07:00:00.123Z'))).to.equal('2026-11-21T07:00:00.123000Z');
  });
});
