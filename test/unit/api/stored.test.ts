/**
 * Stored<T, S>: most of its contract is checked by the compiler (each `@ts-expect-error` below
 * fails the build if the line it marks stops being an error); the rest by what clients of a
 * scope hand out.
 */
import { expect } from 'chai';
import type { PersistentVolume, Pod } from '../../../pkg/api/core/v1';
import type { KubeObject } from '../../../pkg/api/meta';
import * as resources from '../../../pkg/api/resources';
import type { Stored } from '../../../pkg/api/stored';
import { Clientset } from '../../../pkg/client/clientset';
import { ResourceClient } from '../../../pkg/client/resource_client';
import { FakeResource, FakeTracker } from '../../helpers/fake_client';

const spec = { containers: [] };

describe('Stored<T, S> (pkg/api/stored)', () => {
  it('requires a name, uid and resourceVersion, and a namespace only in the namespaced scope', () => {
    const pod: Stored<Pod, 'Namespaced'> = {
      metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1' },
      spec,
    };
    // @ts-expect-error a stored namespaced object has a namespace
    const noNamespace: Stored<Pod, 'Namespaced'> = { metadata: { name: 'p', uid: 'u', resourceVersion: '1' }, spec };
    // @ts-expect-error a stored object has a resourceVersion
    const noVersion: Stored<PersistentVolume, 'Cluster'> = { metadata: { name: 'v', uid: 'u' }, spec: {} };
    // @ts-expect-error a stored object has a name
    const noName: Stored<PersistentVolume, 'Cluster'> = { metadata: { uid: 'u', resourceVersion: '1' }, spec: {} };
    const pv: Stored<PersistentVolume, 'Cluster'> = {
      metadata: { name: 'v', uid: 'u', resourceVersion: '1' },
      spec: {},
    };
    // Either scope is a Stored of the open scope, whose namespace is optional again.
    const open: Stored<KubeObject>[] = [pod, pv];
    const namespaces: (string | undefined)[] = open.map((o) => o.metadata.namespace);
    expect(namespaces).to.deep.equal(['ns', undefined]);
    expect([noNamespace, noVersion, noName].map((o) => o.metadata.uid)).to.deep.equal(['u', 'u', 'u']);
  });

  it('ties a typed client to its ResourceInfo: a client of the wrong scope does not compile', () => {
    const clientset = new Clientset({ server: 'http://127.0.0.1:1' });
    try {
      const pods = new ResourceClient<Pod, 'Namespaced'>(clientset.rest, resources.pods);
      // @ts-expect-error pods are namespaced
      const wrong = new ResourceClient<Pod, 'Cluster'>(clientset.rest, resources.pods);
      expect(pods.info.namespaced).to.equal(true);
      expect(wrong.info).to.equal(resources.pods);
      expect(clientset.persistentVolumes.info.namespaced).to.equal(false);
    } finally {
      clientset.close();
    }
  });

  it('is what a fake resource hands out: it stamps uid, resourceVersion and namespace as the apiserver does', async () => {
    const pods = new FakeResource<Pod, 'Namespaced'>(new FakeTracker(), { resource: 'pods', namespaced: true });
    const created = await pods.create({ metadata: { name: 'p' }, spec });
    expect(created.metadata.namespace).to.equal('default');
    expect(created.metadata.uid).to.be.a('string').and.not.equal('');
    expect(created.metadata.resourceVersion).to.match(/^\d+$/);
  });
});
