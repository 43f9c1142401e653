/**
 * The pvc-protection and pv-protection reconcilers with fake clients and IndexedCache listers:
 * finalizers are added to every object; a claim's is removed only when no active pod uses it
 * (the cache, then a live list, confirm it); a PV's is kept while the PV is Bound.
 */
import { expect } from 'chai';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../../pkg/api/core/v1';
import { notFound } from '../../../../../pkg/api/errors';
import { Finalizer } from '../../../../../pkg/controller/volume/protection/finalizers';
import { PvProtectionReconciler } from '../../../../../pkg/controller/volume/protection/pv_protection';
import {
  claimKeysOfPod,
  PodByClaimIndex,
  podIsActive,
  PvcProtectionReconciler,
} from '../../../../../pkg/controller/volume/protection/pvc_protection';
import { IndexedCache } from '../../../../../pkg/informer/indexer';
import { FakeResource, FakeTracker } from '../../../../helpers/fake_client';
import type { Stored } from '../../../../../pkg/api/stored';
import { storedIn } from '../../../../helpers/stored';

/** A pod as the apiserver stores it. */
type SPod = Stored<Pod, 'Namespaced'>;

const deleting = '2024-01-01T00:00:00Z';

function claim(
  name: string,
  o: { finalizers?: string[]; deleting?: boolean; namespace?: string } = {},
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.deleting ? { deletionTimestamp: deleting } : {}),
    },
    spec: { resources: { requests: { storage: '1Gi' } } },
  };
}

function pod(
  name: string,
  claims: string[],
  phase: NonNullable<Pod['status']>['phase'] = 'Running',
  namespace = 'default',
): SPod {
  return storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    },
    status: { phase },
  });
}

interface PvcFixture {
  tracker: FakeTracker;
  claims: FakeResource<PersistentVolumeClaim>;
  pods: FakeResource<Pod, 'Namespaced'>;
  claimCache: IndexedCache<PersistentVolumeClaim>;
  podCache: IndexedCache<SPod>;
  reconciler: PvcProtectionReconciler;
}

/** Claims and pods on a fake API; the caches hold `cachedPods` (default: every pod). */
function pvcFixture(claims: PersistentVolumeClaim[], pods: SPod[], cachedPods?: SPod[]): PvcFixture {
  const tracker = new FakeTracker();
  const claimApi = new FakeResource<PersistentVolumeClaim>(tracker, {
    resource: 'persistentvolumeclaims',
    namespaced: true,
  });
  const podApi = new FakeResource<Pod, 'Namespaced'>(tracker, { resource: 'pods', namespaced: true });
  claims.forEach((c) => claimApi.seed(c));
  pods.forEach((p) => podApi.seed(p));
  const claimCache = new IndexedCache<PersistentVolumeClaim>();
  claimCache.replace(claimApi.all(), '1');
  const podCache = new IndexedCache<SPod>({ [PodByClaimIndex]: (p) => claimKeysOfPod(p) });
  podCache.replace(cachedPods ? cachedPods.map((p) => structuredClone(p)) : podApi.all(), '1');
  const reconciler = new PvcProtectionReconciler({
    claims: claimCache,
    pods: podCache,
    claimClient: claimApi,
    podClient: podApi,
  });
  return { tracker, claims: claimApi, pods: podApi, claimCache, podCache, reconciler };
}

describe('pvc-protection reconciler', () => {
  const P = Finalizer.PVCProtection;
  const cases: {
    name: string;
    claim: PersistentVolumeClaim;
    pods: SPod[];
    cachedPods?: SPod[];
    want: string[] | null;
    writes: number;
    lists: number;
  }[] = [
    { name: 'adds the finalizer to a live claim', claim: claim('c'), pods: [], want: [P], writes: 1, lists: 0 },
    {
      name: 'keeps other finalizers when adding',
      claim: claim('c', { finalizers: ['example.com/x'] }),
      pods: [],
      want: ['example.com/x', P],
      writes: 1,
      lists: 0,
    },
    {
      name: 'a claim that already has it: no write',
      claim: claim('c', { finalizers: [P] }),
      pods: [],
      want: [P],
      writes: 0,
      lists: 0,
    },
    {
      name: 'deleting, used by a Running pod (in the cache): kept, no live list needed',
      claim: claim('c', { finalizers: [P], deleting: true }),
      pods: [pod('p', ['c'])],
      want: [P],
      writes: 0,
      lists: 0,
    },
    {
      name: 'deleting, used by a Pending pod: kept',
      claim: claim('c', { finalizers: [P], deleting: true }),
      pods: [pod('p', ['other', 'c'], 'Pending')],
      want: [P],
      writes: 0,
      lists: 0,
    },
    {
      name: 'deleting, the cache has no pod but the live list does: kept',
      claim: claim('c', { finalizers: [P], deleting: true }),
      pods: [pod('new', ['c'])],
      cachedPods: [],
      want: [P],
      writes: 0,
      lists: 1,
    },
    {
      name: 'deleting, only Succeeded/Failed pods use it: removed (object goes)',
      claim: claim('c', { finalizers: [P], deleting: true }),
      pods: [pod('done', ['c'], 'Succeeded'), pod('dead', ['c'], 'Failed')],
      want: null,
      writes: 1,
      lists: 1,
    },
    {
      name: 'deleting, a pod in another namespace uses a claim of the same name: removed',
      claim: claim('c', { finalizers: [P], deleting: true }),
      pods: [pod('p', ['c'], 'Running', 'other')],
      want: null,
      writes: 1,
      lists: 1,
    },
    {
      name: 'deleting, keeps other finalizers when removing ours',
      claim: claim('c', { finalizers: ['example.com/x', P], deleting: true }),
      pods: [],
      want: ['example.com/x'],
      writes: 1,
      lists: 1,
    },
    {
      name: 'deleting without our finalizer: nothing to do',
      claim: claim('c', { finalizers: ['example.com/x'], deleting: true }),
      pods: [],
      want: ['example.com/x'],
      writes: 0,
      lists: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const f = pvcFixture([c.claim], c.pods, c.cachedPods);
      await f.reconciler.reconcile('default/c');
      const got = f.claims.peek('c');
      if (c.want === null) expect(got, 'claim removed').to.equal(undefined);
      else expect(got?.metadata.finalizers).to.deep.equal(c.want);
      expect(
        f.tracker.actions.filter((a) => a.resource === 'persistentvolumeclaims' && a.verb === 'update'),
        'claim writes',
      ).to.have.length(c.writes);
      expect(
        f.tracker.actions.filter((a) => a.resource === 'pods' && a.verb === 'list'),
        'live pod lists',
      ).to.have.length(c.lists);
    });
  }

  it('a claim not in the cache: nothing happens', async () => {
    const f = pvcFixture([], []);
    await f.reconciler.reconcile('default/missing');
    expect(f.tracker.actions).to.deep.equal([]);
  });

  it('the claim vanished from the API: NotFound on update is not an error', async () => {
    const f = pvcFixture([claim('c')], []);
    f.claims.failNext('update', notFound({ resource: 'persistentvolumeclaims' }, 'c'));
    await f.reconciler.reconcile('default/c');
  });

  it('other update errors are returned for a retry', async () => {
    const f = pvcFixture([claim('c')], []);
    f.claims.failNext('update', new Error('apiserver down'));
    let err: unknown;
    await f.reconciler.reconcile('default/c').catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/apiserver down/);
  });

  it('claimKeysOfPod and podIsActive', () => {
    expect(claimKeysOfPod(pod('p', ['a', 'b'], 'Running', 'ns'))).to.deep.equal(['ns/a', 'ns/b']);
    expect(podIsActive(pod('p', [], 'Running'))).to.equal(true);
    expect(podIsActive(pod('p', [], 'Unknown'))).to.equal(true);
    expect(podIsActive(pod('p', [], 'Succeeded'))).to.equal(false);
    expect(podIsActive(pod('p', [], 'Failed'))).to.equal(false);
  });
});

describe('pv-protection reconciler', () => {
  const P = Finalizer.PVProtection;
  function volume(o: {
    finalizers?: string[];
    deleting?: boolean;
    phase?: 'Bound' | 'Released' | 'Available';
  }): PersistentVolume {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: 'v',
        ...(o.finalizers ? { finalizers: o.finalizers } : {}),
        ...(o.deleting ? { deletionTimestamp: deleting } : {}),
      },
      spec: { hostPath: { path: '/v' }, capacity: { storage: '1Gi' } },
      status: { phase: o.phase ?? 'Available' },
    };
  }
  const cases: { name: string; pv: PersistentVolume; want: string[] | null; writes: number }[] = [
    { name: 'adds the finalizer', pv: volume({}), want: [P], writes: 1 },
    { name: 'already there: no write', pv: volume({ finalizers: [P] }), want: [P], writes: 0 },
    {
      name: 'deleting while Bound: kept',
      pv: volume({ finalizers: [P], deleting: true, phase: 'Bound' }),
      want: [P],
      writes: 0,
    },
    {
      name: 'deleting while Released: removed (object goes)',
      pv: volume({ finalizers: [P], deleting: true, phase: 'Released' }),
      want: null,
      writes: 1,
    },
    {
      name: 'deleting while Available: removed, other finalizers kept',
      pv: volume({ finalizers: ['x/y', P], deleting: true }),
      want: ['x/y'],
      writes: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const tracker = new FakeTracker();
      const api = new FakeResource<PersistentVolume>(tracker, { resource: 'persistentvolumes', namespaced: false });
      api.seed(c.pv);
      const cache = new IndexedCache<PersistentVolume>();
      cache.replace(api.all(), '1');
      await new PvProtectionReconciler({ volumes: cache, volumeClient: api }).reconcile('v');
      const got = api.peek('v');
      if (c.want === null) expect(got).to.equal(undefined);
      else expect(got?.metadata.finalizers).to.deep.equal(c.want);
      expect(tracker.actions.filter((a) => a.verb === 'update')).to.have.length(c.writes);
    });
  }
});
