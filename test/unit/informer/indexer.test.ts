import { expect } from 'chai';
import { IndexedCache, NamespaceIndex } from '../../../pkg/informer/indexer';
import { type Obj, obj } from './fake_list_watch';

const byNode = { byNode: (o: { readonly spec?: { readonly node?: string } }) => (o.spec?.node ? [o.spec.node] : []) };

describe('IndexedCache', () => {
  it('keys objects by namespace/name, or name when cluster-scoped', () => {
    const c = new IndexedCache<Obj>();
    c.add(obj('a', '1', { namespace: 'ns1' }));
    c.add(obj('pv1', '2'));
    expect(c.listKeys().sort()).to.deep.equal(['ns1/a', 'pv1']);
    expect(c.get('ns1/a')?.metadata.resourceVersion).to.equal('1');
    expect(c.get('pv1')?.metadata.name).to.equal('pv1');
    expect(c.get('a')).to.equal(undefined);
    expect(c.list()).to.have.length(2);
  });

  it('update overwrites and delete removes (a missing key is not an error)', () => {
    const c = new IndexedCache<Obj>();
    c.add(obj('a', '1'));
    c.update(obj('a', '2'));
    expect(c.get('a')?.metadata.resourceVersion).to.equal('2');
    c.delete(obj('a', '3'));
    expect(c.get('a')).to.equal(undefined);
    c.delete(obj('a', '3'));
    expect(c.listKeys()).to.deep.equal([]);
  });

  it('deep-freezes what it stores, so a cached object cannot be mutated', () => {
    const c = new IndexedCache<Obj>();
    const o = obj('a', '1', { labels: { x: 'y' }, tags: ['t'] });
    c.add(o);
    const got = c.get('a');
    expect(Object.isFrozen(got)).to.equal(true);
    expect(() => {
      (o.metadata.labels ?? {}).x = 'z';
    }).to.throw(TypeError);
    expect(() => (o.spec?.tags ?? []).push('u')).to.throw(TypeError);
    expect(c.get('a')?.metadata.labels).to.deep.equal({ x: 'y' });
  });

  it('maintains a custom index across add, update and delete', () => {
    const c = new IndexedCache<Obj>(byNode);
    c.add(obj('a', '1', { node: 'n1' }));
    c.add(obj('b', '1', { node: 'n1' }));
    c.add(obj('c', '1', { node: 'n2' }));
    c.add(obj('d', '1'));
    expect(c.indexKeys('byNode', 'n1').sort()).to.deep.equal(['a', 'b']);
    expect(c.byIndex('byNode', 'n2').map((o) => o.metadata.name)).to.deep.equal(['c']);

    c.update(obj('a', '2', { node: 'n2' }));
    expect(c.indexKeys('byNode', 'n1')).to.deep.equal(['b']);
    expect(c.indexKeys('byNode', 'n2').sort()).to.deep.equal(['a', 'c']);
    expect(c.byIndex('byNode', 'n2').find((o) => o.metadata.name === 'a')?.metadata.resourceVersion).to.equal('2');

    c.delete(obj('b', '1'));
    expect(c.indexKeys('byNode', 'n1')).to.deep.equal([]);
    expect(c.listIndexValues('byNode').sort()).to.deep.equal(['n2']);

    c.update(obj('c', '2'));
    expect(c.indexKeys('byNode', 'n2')).to.deep.equal(['a']);
  });

  it('files an object under every value a multi-valued index returns', () => {
    const c = new IndexedCache<Obj>({ byTag: (o) => [...(o.spec?.tags ?? [])] });
    c.add(obj('a', '1', { tags: ['x', 'y', 'x'] }));
    c.add(obj('b', '1', { tags: ['y'] }));
    expect(c.indexKeys('byTag', 'x')).to.deep.equal(['a']);
    expect(c.indexKeys('byTag', 'y').sort()).to.deep.equal(['a', 'b']);
    c.update(obj('a', '2', { tags: ['y'] }));
    expect(c.indexKeys('byTag', 'x')).to.deep.equal([]);
    expect(c.indexKeys('byTag', 'y').sort()).to.deep.equal(['a', 'b']);
  });

  it('has a built-in namespace index', () => {
    const c = new IndexedCache<Obj>();
    c.add(obj('a', '1', { namespace: 'ns1' }));
    c.add(obj('b', '1', { namespace: 'ns2' }));
    c.add(obj('pv', '1'));
    expect(c.indexNames()).to.include(NamespaceIndex);
    expect(c.indexKeys(NamespaceIndex, 'ns1')).to.deep.equal(['ns1/a']);
    expect(c.indexKeys(NamespaceIndex, '')).to.deep.equal(['pv']);
  });

  it('replace swaps the contents, rebuilds the indexes and records the resourceVersion', () => {
    const c = new IndexedCache<Obj>(byNode);
    c.add(obj('a', '1', { node: 'n1' }));
    c.add(obj('b', '1', { node: 'n1' }));
    c.replace([obj('b', '5', { node: 'n2' }), obj('c', '5', { node: 'n1' })], '5');
    expect(c.listKeys().sort()).to.deep.equal(['b', 'c']);
    expect(c.indexKeys('byNode', 'n1')).to.deep.equal(['c']);
    expect(c.indexKeys('byNode', 'n2')).to.deep.equal(['b']);
    expect(c.lastReplaceResourceVersion()).to.equal('5');
    expect(Object.isFrozen(c.get('c'))).to.equal(true);
  });

  it('addIndexers indexes the objects already cached; duplicate names and unknown indexes throw', () => {
    const c = new IndexedCache<Obj>();
    c.add(obj('a', '1', { node: 'n1' }));
    c.addIndexers(byNode);
    expect(c.indexKeys('byNode', 'n1')).to.deep.equal(['a']);
    expect(() => c.addIndexers(byNode)).to.throw(/already exists/);
    expect(() => c.addIndexers({ [NamespaceIndex]: () => [] })).to.throw(/already exists/);
    expect(() => c.byIndex('nope', 'x')).to.throw(/does not exist/);
  });

  it('leaves the cache unchanged when an index function throws', () => {
    const c = new IndexedCache<Obj>({
      picky: (o) => {
        if (o.metadata.name === 'bad') throw new Error('boom');
        return [o.spec?.node ?? ''];
      },
    });
    c.add(obj('a', '1', { node: 'n1' }));
    expect(() => c.add(obj('bad', '1'))).to.throw('boom');
    expect(() => c.replace([obj('bad', '2')], '2')).to.throw('boom');
    expect(c.listKeys()).to.deep.equal(['a']);
    expect(c.indexKeys('picky', 'n1')).to.deep.equal(['a']);
  });
});
