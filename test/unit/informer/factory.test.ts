import { expect } from 'chai';
import type { KubeObject } from '../../../pkg/api/meta';
import * as resources from '../../../pkg/api/resources';
import type { Scope, Stored } from '../../../pkg/api/stored';
import { Clientset } from '../../../pkg/client/clientset';
import type { ResourceClient } from '../../../pkg/client/resource_client';
import { SharedInformerFactory } from '../../../pkg/informer/factory';
import type { ListerWatcher, ListWatchSelectors } from '../../../pkg/informer/list_watch';
import { silentLogger } from '../../../pkg/log/logger';
import { FakeClock } from '../../../pkg/util/clock/fake';
import { waitFor } from '../../helpers/wait';
import { FakeListerWatcher } from './fake_list_watch';

interface Made {
  resource: string;
  namespace: string | undefined;
  selectors: ListWatchSelectors;
  lw: FakeListerWatcher<KubeObject>;
}

describe('SharedInformerFactory', () => {
  let clientset: Clientset;
  let made: Made[];
  let factory: SharedInformerFactory;
  let ac: AbortController;
  let clock: FakeClock;

  beforeEach(() => {
    // Never contacted: every informer gets a fake ListerWatcher.
    clientset = new Clientset({ server: 'http://127.0.0.1:1' });
    made = [];
    ac = new AbortController();
    clock = new FakeClock();
    factory = new SharedInformerFactory(clientset, {
      clock,
      logger: silentLogger(),
      listerWatcher: <T extends KubeObject, S extends Scope>(
        client: ResourceClient<T, S>,
        namespace: string | undefined,
        selectors: ListWatchSelectors,
      ): ListerWatcher<Stored<T, S>> => {
        const lw = new FakeListerWatcher<KubeObject>([{ metadata: { name: `${client.info.resource}-0` } }], '7');
        made.push({ resource: client.info.resource, namespace, selectors, lw });
        return lw as unknown as ListerWatcher<Stored<T, S>>;
      },
    });
  });

  afterEach(async () => {
    ac.abort();
    await factory.stopped();
    clientset.close();
  });

  it('returns the same informer for the same resource and scope', () => {
    const a = factory.persistentVolumeClaims();
    expect(factory.persistentVolumeClaims()).to.equal(a);
    expect(factory.forResource(clientset.persistentVolumeClaims)).to.equal(a);
    expect(factory.forResource(resources.persistentVolumeClaims)).to.equal(a);
    expect(factory.pods({ fieldSelector: 'spec.nodeName=n1' })).to.equal(
      factory.pods({ fieldSelector: 'spec.nodeName=n1' }),
    );
    expect(made.map((m) => m.resource)).to.deep.equal(['persistentvolumeclaims', 'pods']);
  });

  it('makes separate informers for different namespaces and selectors; cluster-scoped ones ignore namespace', () => {
    const all = factory.pods();
    expect(factory.pods({ namespace: 'ns1' })).to.not.equal(all);
    expect(factory.pods({ labelSelector: 'app=db' })).to.not.equal(all);
    expect(factory.pods({ fieldSelector: 'spec.nodeName=n1' })).to.not.equal(all);
    expect(factory.persistentVolumes({ namespace: 'ns1' })).to.equal(factory.persistentVolumes());
    expect(made).to.have.length(5);
    expect(made[1]?.namespace).to.equal('ns1');
    expect(made[2]?.selectors.labelSelector).to.equal('app=db');
    expect(made[4]?.namespace).to.equal(undefined);
  });

  it('has a getter per resource the controllers use', () => {
    factory.pods();
    factory.persistentVolumes();
    factory.persistentVolumeClaims();
    factory.storageClasses();
    factory.nodes();
    factory.events();
    factory.leases();
    factory.namespaces();
    expect(made.map((m) => m.resource).sort()).to.deep.equal(
      [
        'events',
        'leases',
        'namespaces',
        'nodes',
        'persistentvolumeclaims',
        'persistentvolumes',
        'pods',
        'storageclasses',
      ].sort(),
    );
  });

  it('starts informers and waitForCacheSync resolves once all of them have synced', async () => {
    const pvs = factory.persistentVolumes();
    const claims = factory.persistentVolumeClaims();
    const claimLW = made[1]?.lw;
    claimLW?.listErrors.push(new Error('not yet'));
    factory.start(ac.signal);
    let result: boolean | undefined;
    void factory.waitForCacheSync().then((ok) => (result = ok));
    await waitFor(() => pvs.hasSynced() && claimLW?.listCalls.length === 1, 2000, 'PVs synced, claims list failed');
    expect(claims.hasSynced()).to.equal(false);
    expect(result).to.equal(undefined);
    // Let the claims informer's list backoff (0.8–1 s of fake time) elapse.
    await waitFor(
      () => {
        clock.step(100);
        return result !== undefined;
      },
      2000,
      'cache sync',
    );
    expect(result).to.equal(true);
    expect(claims.hasSynced()).to.equal(true);
    expect(claims.lister().get('persistentvolumeclaims-0')?.metadata.name).to.equal('persistentvolumeclaims-0');
  });

  it('starts informers made after start() on the next start(), each only once', async () => {
    const pvs = factory.persistentVolumes();
    factory.start(ac.signal);
    const nodes = factory.nodes();
    expect(nodes.isStarted()).to.equal(false);
    factory.start(ac.signal);
    expect(pvs.isStarted() && nodes.isStarted()).to.equal(true);
    expect(await factory.waitForCacheSync()).to.equal(true);
    expect(made.map((m) => m.lw.listCalls.length)).to.deep.equal([1, 1]);
  });

  it('waitForCacheSync resolves false when aborted before sync', async () => {
    factory.pods();
    made[0]?.lw.listErrors.push(new Error('down'));
    factory.start(ac.signal);
    const stop = new AbortController();
    const wait = factory.waitForCacheSync(stop.signal);
    stop.abort();
    expect(await wait).to.equal(false);
  });
});
