/**
 * The StatefulSet and ControllerRevision strategies in the generic Store (memory storage):
 * defaults and an empty status on create, generation bumps on spec changes only, the update
 * rules, status only through /status.
 */
import { expect } from 'chai';
import type { ControllerRevision, StatefulSet } from '../../../../pkg/api/apps/v1';
import { isInvalid } from '../../../../pkg/api/errors';
import { Store } from '../../../../pkg/apiserver/registry/store';
import { controllerRevisionStrategy } from '../../../../pkg/apiserver/registry/strategies/controllerrevisions';
import { statefulSetStrategy } from '../../../../pkg/apiserver/registry/strategies/statefulsets';
import { WatchCache } from '../../../../pkg/apiserver/watch/cache';
import { silentLogger } from '../../../../pkg/log/logger';
import { MemoryStore } from '../../../../pkg/storage/memory/store';
import { statusErrorOf } from './widget_strategy';

const sts = (): StatefulSet => ({
  metadata: { name: 'web' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox' }] } },
  },
  status: { replicas: 7, readyReplicas: 7 },
});

describe('statefulset strategy in the Store', () => {
  let caches: WatchCache[];
  let sets: Store<StatefulSet>;
  let revisions: Store<ControllerRevision>;
  beforeEach(async () => {
    const storage = new MemoryStore();
    caches = ['statefulsets', 'controllerrevisions'].map(
      (r) => new WatchCache({ storage, prefix: `/registry/${r}/`, logger: silentLogger() }),
    );
    await Promise.all(caches.map((c) => c.start()));
    const [c0, c1] = caches;
    if (!c0 || !c1) throw new Error('caches');
    sets = new Store<StatefulSet>({ strategy: statefulSetStrategy, storage, cache: c0, keyPrefix: '/registry' });
    revisions = new Store<ControllerRevision>({
      strategy: controllerRevisionStrategy,
      storage,
      cache: c1,
      keyPrefix: '/registry',
    });
  });
  afterEach(() => {
    for (const c of caches) c.stop();
  });

  it('create: defaults, generation 1, and the client’s status replaced by an empty one', async () => {
    const created = await sets.create('default', sts());
    expect(created).to.include({ apiVersion: 'apps/v1', kind: 'StatefulSet' });
    expect(created.metadata.generation).to.equal(1);
    expect(created.spec.podManagementPolicy).to.equal('OrderedReady');
    expect(created.status).to.deep.equal({ replicas: 0, availableReplicas: 0 });
  });

  it('update: a spec change bumps generation; a metadata-only change does not; status is kept from storage', async () => {
    await sets.create('default', sts());
    const scaled = await sets.guaranteedUpdate('default', 'web', (cur) => ({
      ...cur,
      spec: { ...cur.spec, replicas: 5 },
      status: { replicas: 99 },
    }));
    expect(scaled.metadata.generation).to.equal(2);
    expect(scaled.status).to.deep.equal({ replicas: 0, availableReplicas: 0 });
    const labelled = await sets.guaranteedUpdate('default', 'web', (cur) => ({
      ...cur,
      metadata: { ...cur.metadata, labels: { team: 'a' } },
    }));
    expect(labelled.metadata.generation).to.equal(2);
  });

  it('update: changing serviceName is 422 Forbidden', async () => {
    await sets.create('default', sts());
    const err = await statusErrorOf(
      sets.guaranteedUpdate('default', 'web', (cur) => ({ ...cur, spec: { ...cur.spec, serviceName: 'other' } })),
    );
    expect(isInvalid(err)).to.equal(true);
    expect(err.message).to.contain("spec: Forbidden: updates to statefulset spec for fields other than 'replicas'");
  });

  it('/status writes the status only (spec and generation from storage), validated', async () => {
    await sets.create('default', sts());
    const written = await sets.update(
      'default',
      'web',
      {
        ...sts(),
        spec: { ...sts().spec, replicas: 9 },
        status: { replicas: 3, readyReplicas: 2, observedGeneration: 1 },
      },
      { subresource: 'status' },
    );
    expect(written.spec.replicas).to.equal(3);
    expect(written.metadata.generation).to.equal(1);
    expect(written.status).to.deep.equal({ replicas: 3, readyReplicas: 2, observedGeneration: 1 });
    const err = await statusErrorOf(
      sets.update('default', 'web', { ...sts(), status: { replicas: 1, readyReplicas: 2 } }, { subresource: 'status' }),
    );
    expect(err.message).to.contain('status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas');
  });

  it('controller revisions: data immutable, revision renumbered', async () => {
    await revisions.create('default', { metadata: { name: 'web-1' }, data: { spec: {} }, revision: 1 });
    const renumbered = await revisions.guaranteedUpdate('default', 'web-1', (cur) => ({ ...cur, revision: 3 }));
    expect(renumbered.revision).to.equal(3);
    const err = await statusErrorOf(
      revisions.guaranteedUpdate('default', 'web-1', (cur) => ({ ...cur, data: { spec: { replicas: 1 } } })),
    );
    expect(err.message).to.contain('data: Invalid value');
  });
});
