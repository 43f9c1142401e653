/**
 * NamespaceLifecycle admission with a fake namespace source whose cache can be stale: creates in
 * missing or terminating namespaces are refused; right after a namespace was deleted here it is
 * read from storage, not from the (lagging) cache, until the live-lookup window ends.
 */
import { expect } from 'chai';
import type { Namespace } from '../../../../pkg/api/core/v1';
import { StatusError } from '../../../../pkg/api/errors';
import { NamespaceLifecycle } from '../../../../pkg/apiserver/admission/namespace_lifecycle';

const ns = (name: string, phase: 'Active' | 'Terminating'): Namespace => ({ metadata: { name }, status: { phase } });

async function refusal(p: Promise<void>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
}

describe('apiserver: NamespaceLifecycle admission', () => {
  const claims = { resource: 'persistentvolumeclaims' };

  function fixture(cached: Namespace | undefined, live: Namespace | undefined) {
    let now = 1_000;
    const reads: string[] = [];
    const lifecycle = new NamespaceLifecycle(
      {
        cached: () => {
          reads.push('cache');
          return cached;
        },
        live: async () => {
          reads.push('live');
          return live;
        },
      },
      30_000,
      () => now,
    );
    return { lifecycle, reads, advance: (ms: number) => (now += ms) };
  }

  it('an Active namespace in the cache admits the create without a storage read', async () => {
    const f = fixture(ns('a', 'Active'), undefined);
    expect(await refusal(f.lifecycle.admitCreate(claims, 'c', 'a'))).to.equal(undefined);
    expect(f.reads).to.deep.equal(['cache']);
  });

  it('a namespace the cache does not have yet is read from storage; missing there too is a 404', async () => {
    expect(await refusal(fixture(undefined, ns('new', 'Active')).lifecycle.admitCreate(claims, 'c', 'new'))).to.equal(
      undefined,
    );
    expect(await refusal(fixture(undefined, undefined).lifecycle.admitCreate(claims, 'c', 'gone'))).to.equal(404);
  });

  it('a terminating namespace is a 403', async () => {
    expect(await refusal(fixture(ns('t', 'Terminating'), undefined).lifecycle.admitCreate(claims, 'c', 't'))).to.equal(
      403,
    );
  });

  it('after a delete here, a stale cache (still Active) is not trusted: storage says Terminating → 403, until the window ends', async () => {
    const f = fixture(ns('t', 'Active'), ns('t', 'Terminating'));
    f.lifecycle.deleted('t');
    expect(await refusal(f.lifecycle.admitCreate(claims, 'c', 't'))).to.equal(403);
    expect(f.reads).to.deep.equal(['live']);
    f.advance(30_001);
    expect(await refusal(f.lifecycle.admitCreate(claims, 'c', 't'))).to.equal(undefined);
    expect(f.reads).to.deep.equal(['live', 'cache']);
  });

  it('default, kube-system and kube-public cannot be deleted; others can', () => {
    const { lifecycle } = fixture(undefined, undefined);
    for (const name of ['default', 'kube-system', 'kube-public'])
      expect(() => lifecycle.admitDelete(name), name).to.throw(StatusError, 'this namespace may not be deleted');
    expect(() => lifecycle.admitDelete('kube-node-lease')).to.not.throw();
  });
});
