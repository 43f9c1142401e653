import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  claimRefKey,
  claimRefTarget,
  DefaultNamespace,
  eventNamespace,
  namespacedKey,
  objectKey,
  splitKey,
  storageKey,
  storageKeyOf,
  storageListPrefix,
  storagePrefix,
} from '../../../pkg/api/keys';

/** Any string without a '/' (what a namespace or a name can be, and more). */
const segment = fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !s.includes('/'));

describe('object keys (pkg/api/keys)', () => {
  describe('cache keys', () => {
    it('are namespace/name for namespaced objects and name for cluster-scoped ones', () => {
      expect(objectKey({ metadata: { namespace: 'team-a', name: 'data' } })).to.equal('team-a/data');
      expect(objectKey({ metadata: { name: 'pv-1' } })).to.equal('pv-1');
      expect(objectKey({ metadata: { namespace: '', name: 'pv-1' } })).to.equal('pv-1');
      expect(objectKey({ metadata: {} })).to.equal('');
      expect(namespacedKey('team-a', 'data')).to.equal('team-a/data');
      expect(namespacedKey(undefined, 'node-a')).to.equal('node-a');
    });

    it('split back into the namespace and name they were made from', () => {
      expect(splitKey('team-a/data')).to.deep.equal({ namespace: 'team-a', name: 'data' });
      expect(splitKey('pv-1')).to.deep.equal({ name: 'pv-1' });
      expect(splitKey('')).to.deep.equal({ name: '' });
    });

    it('round-trip every namespace and name without a slash, whatever else they contain', () => {
      fc.assert(
        fc.property(segment, segment, (namespace, name) => {
          expect(splitKey(namespacedKey(namespace, name))).to.deep.equal({ namespace, name });
          expect(splitKey(objectKey({ metadata: { namespace, name } }))).to.deep.equal({ namespace, name });
          expect(splitKey(namespacedKey(undefined, name))).to.deep.equal({ name });
        }),
      );
    });

    it('keep odd characters of names as they are', () => {
      for (const name of ['a.b-c', 'pvc-0f3e:1', 'x%2Fy', 'émoji-✓', 'with space', '__proto__', '..']) {
        const key = namespacedKey('ns', name);
        expect(key).to.equal(`ns/${name}`);
        expect(splitKey(key)).to.deep.equal({ namespace: 'ns', name });
        expect(splitKey(objectKey({ metadata: { name } }))).to.deep.equal({ name });
      }
    });

    it('split at the first slash, so a name (never valid) with a slash stays whole', () => {
      expect(splitKey('ns/a/b')).to.deep.equal({ namespace: 'ns', name: 'a/b' });
      expect(splitKey('/name')).to.deep.equal({ namespace: '', name: 'name' });
    });

    it('file events of cluster-scoped objects in the default namespace', () => {
      expect(eventNamespace('team-a')).to.equal('team-a');
      expect(eventNamespace(undefined)).to.equal('default');
    });

    it('read a claimRef without a namespace as the default namespace', () => {
      expect(claimRefKey({ namespace: 'team-a', name: 'data' })).to.equal('team-a/data');
      expect(claimRefKey({ name: 'data' })).to.equal(`${DefaultNamespace}/data`);
      expect(claimRefKey({ name: 'data' })).to.equal('default/data');
      expect(claimRefTarget({ namespace: 'team-a', name: 'data' })).to.deep.equal({
        namespace: 'team-a',
        name: 'data',
      });
      expect(claimRefTarget({})).to.deep.equal({ namespace: 'default', name: '' });
    });
  });

  describe('storage keys', () => {
    it('are <prefix>/<resource>/<namespace>/<name>, without the namespace when cluster-scoped', () => {
      const pods = storagePrefix('/registry', 'pods');
      expect(pods).to.equal('/registry/pods/');
      expect(storagePrefix('/registry/', 'pods')).to.equal('/registry/pods/');
      expect(storageKey(pods, true, 'team-a', 'web-0')).to.equal('/registry/pods/team-a/web-0');
      const pvs = storagePrefix('/registry', 'persistentvolumes');
      expect(storageKey(pvs, false, undefined, 'pv-1')).to.equal('/registry/persistentvolumes/pv-1');
      expect(storageKey(pvs, false, 'ignored', 'pv-1')).to.equal('/registry/persistentvolumes/pv-1');
    });

    it('agree with the key an object is listed under, and lists of a namespace read below it', () => {
      const pods = storagePrefix('/kubestore', 'pods');
      const pod = { metadata: { namespace: 'team-a', name: 'web-0' } };
      expect(storageKeyOf(pods, pod)).to.equal(storageKey(pods, true, 'team-a', 'web-0'));
      const pvs = storagePrefix('/kubestore', 'persistentvolumes');
      expect(storageKeyOf(pvs, { metadata: { name: 'pv-1' } })).to.equal(storageKey(pvs, false, undefined, 'pv-1'));
      expect(storageListPrefix(pods, true, 'team-a')).to.equal('/kubestore/pods/team-a/');
      expect(storageKey(pods, true, 'team-a', 'web-0').startsWith(storageListPrefix(pods, true, 'team-a'))).to.equal(
        true,
      );
      expect(storageListPrefix(pods, true, undefined)).to.equal(pods);
      expect(storageListPrefix(pods, true, '')).to.equal(pods);
      expect(storageListPrefix(pvs, false, 'team-a')).to.equal(pvs);
    });

    it('of one namespace never fall under the list prefix of another whose name it extends', () => {
      fc.assert(
        fc.property(segment, segment, segment, (a, b, name) => {
          fc.pre(a !== b);
          const pods = storagePrefix('/registry', 'pods');
          expect(storageKey(pods, true, a, name).startsWith(storageListPrefix(pods, true, b))).to.equal(false);
        }),
      );
    });
  });
});
