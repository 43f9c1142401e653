/** The lexical root rules shared by the apiserver's StorageClass check and the controller-manager. */
import { expect } from 'chai';
import { hostPathProblem, lexicallyWithin, parseRoots, requestedPathProblem } from '../../../../pkg/util/fsroots/roots';

describe('fsroots: lexical host path rules', () => {
  it('hostPathProblem: relative, "..", NUL are problems; absolute paths are fine', () => {
    expect(hostPathProblem('/srv/a')).to.equal(undefined);
    expect(hostPathProblem('srv/a')).to.match(/absolute/);
    expect(hostPathProblem('/srv/../etc')).to.match(/\.\./);
    expect(hostPathProblem('/srv/a\0b')).to.match(/NUL/);
    expect(hostPathProblem('/srv/..a')).to.equal(undefined);
  });

  it('lexicallyWithin: strict excludes the root itself; prefixes of names do not count', () => {
    expect(lexicallyWithin('/srv/v/a', '/srv/v', true)).to.equal(true);
    expect(lexicallyWithin('/srv/v', '/srv/v', true)).to.equal(false);
    expect(lexicallyWithin('/srv/v', '/srv/v/', false)).to.equal(true);
    expect(lexicallyWithin('/srv/volumes2', '/srv/v', false)).to.equal(false);
    expect(lexicallyWithin('/srv/v/../x', '/srv/v', false)).to.equal(false);
    expect(lexicallyWithin('/srv/v/..data', '/srv/v', true)).to.equal(true);
  });

  it('parseRoots: comma-separated, normalised, deduplicated; refuses relative, "..", NUL and "/"', () => {
    expect(parseRoots('')).to.deep.equal([]);
    expect(parseRoots(' /srv/a/ ,/srv/b,,/srv/a')).to.deep.equal(['/srv/a', '/srv/b']);
    for (const bad of ['rel', '/srv/../etc', '/', '/srv/\0']) expect(() => parseRoots(bad), bad).to.throw(/root/);
  });

  it('requestedPathProblem: a class path must be equal to or under a root', () => {
    const roots = ['/var/lib/kubestore/volumes', '/mnt/fast'];
    expect(requestedPathProblem('/mnt/fast', roots)).to.equal(undefined);
    expect(requestedPathProblem('/mnt/fast/ssd', roots)).to.equal(undefined);
    expect(requestedPathProblem('/anywhere', roots)).to.match(
      /not under an allowed root \(\/var\/lib\/kubestore\/volumes, \/mnt\/fast\)/,
    );
    expect(requestedPathProblem('/mnt/fastest', roots)).to.match(/not under an allowed root/);
    expect(requestedPathProblem('/mnt/fast/../../etc', roots)).to.match(/\.\./);
    expect(requestedPathProblem('/anywhere', [])).to.match(/none configured/);
  });
});
