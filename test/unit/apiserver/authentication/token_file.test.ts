import { expect } from 'chai';
import { parseTokenFile } from '../../../../pkg/apiserver/authentication/token_file';

describe('--token-auth-file (Kubernetes CSV)', () => {
  it('reads token,user,uid and a quoted group list; skips blanks and comments', () => {
    const tokens = parseTokenFile('# comment\n\nt1,alice,u1,"g1,g2"\r\nt2,bob,,\nt3,carol,u3\n');
    expect(tokens.get('t1')).to.deep.equal({ username: 'alice', uid: 'u1', groups: ['g1', 'g2'] });
    expect(tokens.get('t2')).to.deep.equal({ username: 'bob', groups: [] });
    expect(tokens.get('t3')).to.deep.equal({ username: 'carol', uid: 'u3', groups: [] });
  });

  it('names the first bad line', () => {
    expect(() => parseTokenFile('t1,alice,u1\nonlytoken\n', 'f.csv')).to.throw(
      'f.csv line 2: want token,user,uid[,"group1,group2"]',
    );
    expect(() => parseTokenFile('t1,alice,u1,"g1\n', 'f.csv')).to.throw('f.csv line 1: unterminated quote');
    expect(() => parseTokenFile('t1,a,1\nt1,b,2\n', 'f.csv')).to.throw('f.csv line 2: duplicate token');
  });

  it('keeps __proto__ as an ordinary token and user name', () => {
    const tokens = parseTokenFile('__proto__,__proto__,u\n');
    expect(tokens.get('__proto__')?.username).to.equal('__proto__');
    expect(({} as Record<string, unknown>).username).to.equal(undefined);
  });
});
