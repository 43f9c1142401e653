/**
 * A harness for the StatefulSet reconciler: a fake API (test/helpers/fake_client) for sets,
 * pods, claims and revisions, IndexedCache listers refreshed from it (an instant informer,
 * or a lagging one when `lag` is set), a FakeRecorder and a FakeClock. `reconcile()` runs one
 * sync of a set; `writes()` lists the API writes since the last mark as `verb resource key`.
 */
import type { ControllerRevision, StatefulSet } from '../../../../pkg/api/apps/v1';
import type { PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import type { Stored } from '../../../../pkg/api/stored';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { PodExpectations } from '../../../../pkg/controller/statefulset/expectations';
import { StatefulPodControl } from '../../../../pkg/controller/statefulset/pod_control';
import { StatefulSetReconciler } from '../../../../pkg/controller/statefulset/reconciler';
import { StatefulSetControl } from '../../../../pkg/controller/statefulset/set_control';
import { IndexedCache } from '../../../../pkg/informer/indexer';
import { listerFor } from '../../../../pkg/informer/lister';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import type { Result } from '../../../../pkg/util/reconcile/runner';
import { FakeResource, FakeTracker } from '../../../helpers/fake_client';

type NS = 'Namespaced';

/** Options of sts(). */
export interface SetOptions {
  replicas?: number;
  policy?: 'OrderedReady' | 'Parallel';
  image?: string;
  templates?: string[];
  strategy?: StatefulSet['spec']['updateStrategy'];
  retention?: StatefulSet['spec']['persistentVolumeClaimRetentionPolicy'];
  start?: number;
  historyLimit?: number;
  minReadySeconds?: number;
}

/** A StatefulSet `web` selecting app=web, with a `data` claim template unless told otherwise. */
export function sts(o: SetOptions = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      serviceName: 'web',
      podManagementPolicy: o.policy ?? 'OrderedReady',
      updateStrategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: o.historyLimit ?? 10,
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
      ...(o.start !== undefined ? { ordinals: { start: o.start } } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'c', image: o.image ?? 'busybox:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          ],
        },
      },
      volumeClaimTemplates: (o.templates ?? ['data']).map((name) => ({
        metadata: { name, labels: { tier: 'storage' } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'hostPath',
          resources: { requests: { storage: '1Gi' } },
        },
      })),
    },
  };
}

/** The harness. */
export class StsHarness {
  readonly tracker = new FakeTracker();
  readonly sets = new FakeResource<StatefulSet, NS>(this.tracker, {
    resource: 'statefulsets',
    group: 'apps',
    namespaced: true,
  });
  readonly pods = new FakeResource<Pod, NS>(this.tracker, {
    resource: 'pods',
    namespaced: true,
    createdStatus: () => ({ phase: 'Pending' }),
  });
  readonly claims = new FakeResource<PersistentVolumeClaim, NS>(this.tracker, {
    resource: 'persistentvolumeclaims',
    namespaced: true,
    createdStatus: () => ({ phase: 'Pending' }),
  });
  readonly revisions = new FakeResource<ControllerRevision, NS>(this.tracker, {
    resource: 'controllerrevisions',
    group: 'apps',
    namespaced: true,
  });
  readonly setCache = new IndexedCache<Stored<StatefulSet, NS>>();
  readonly podCache = new IndexedCache<Stored<Pod, NS>>();
  readonly claimCache = new IndexedCache<Stored<PersistentVolumeClaim, NS>>();
  readonly revisionCache = new IndexedCache<Stored<ControllerRevision, NS>>();
  readonly recorder = new FakeRecorder();
  readonly clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
  readonly expectations = new PodExpectations(this.clock);
  readonly reconciler: StatefulSetReconciler;
  /** When true, caches are not refreshed after a reconcile (an informer that lags). */
  lag = false;
  private mark = 0;

  constructor(initial: { set?: StatefulSet; pods?: Pod[]; claims?: PersistentVolumeClaim[] } = {}) {
    if (initial.set) this.sets.seed(initial.set);
    for (const p of initial.pods ?? []) this.pods.seed(p);
    for (const c of initial.claims ?? []) this.claims.seed(c);
    const podControl = new StatefulPodControl({
      pods: this.pods,
      claims: this.claims,
      claimLister: listerFor<Stored<PersistentVolumeClaim, NS>>(this.claimCache),
      recorder: this.recorder,
      expectations: this.expectations,
    });
    const now = () => this.clock.now();
    this.reconciler = new StatefulSetReconciler({
      sets: listerFor<Stored<StatefulSet, NS>>(this.setCache),
      pods: listerFor<Stored<Pod, NS>>(this.podCache),
      revisions: listerFor<Stored<ControllerRevision, NS>>(this.revisionCache),
      setClient: this.sets,
      podClient: this.pods,
      revisionClient: this.revisions,
      control: new StatefulSetControl({ pods: podControl, recorder: this.recorder, now }),
      expectations: this.expectations,
      recorder: this.recorder,
      now,
    });
    this.syncCaches();
  }

  /** Refreshes every cache from the fake API. */
  syncCaches(): void {
    const rv = String(this.tracker.revision);
    this.setCache.replace(this.sets.all(), rv);
    this.podCache.replace(this.pods.all(), rv);
    this.claimCache.replace(this.claims.all(), rv);
    this.revisionCache.replace(this.revisions.all(), rv);
  }

  /** One sync of `default/web` (caches refreshed before, and after unless lagging). */
  async reconcile(key = 'default/web'): Promise<Result | void> {
    const r = await this.reconciler.reconcile(key);
    if (!this.lag) this.syncCaches();
    return r;
  }

  /** Reconciles until a sync makes no write (at most `max` syncs). */
  async settle(max = 30): Promise<void> {
    for (let i = 0; i < max; i++) {
      const before = this.writeCount();
      await this.reconcile();
      if (this.writeCount() === before) return;
    }
    throw new Error(`no steady state after ${max} syncs`);
  }

  private writeCount(): number {
    return this.tracker.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list').length;
  }

  /** Starts a new window for writes(). */
  markWrites(): void {
    this.mark = this.tracker.actions.length;
  }

  /** Writes since the last mark, as `verb resource key`. */
  writes(): string[] {
    const out = this.tracker.actions
      .slice(this.mark)
      .filter((a) => a.verb !== 'get' && a.verb !== 'list')
      .map((a) => `${a.verb} ${a.resource} ${a.key}`);
    this.markWrites();
    return out;
  }

  /** Pod writes since the last mark (creates and deletes of pods and claims only). */
  podWrites(): string[] {
    return this.writes().filter((w) => / (pods|persistentvolumeclaims) /.test(w) && !w.startsWith('update'));
  }

  /** Marks a pod Running and Ready (as the kubelet reports it). */
  async ready(...names: string[]): Promise<void> {
    for (const name of names) {
      const p = this.pods.peek(name);
      if (!p) throw new Error(`no pod ${name}`);
      await this.pods.updateStatus({
        ...p,
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(this.clock.now()).toISOString() }],
        },
      });
    }
    this.syncCaches();
  }

  /** Sets a pod's phase (not Ready). */
  async phase(name: string, phase: 'Pending' | 'Running' | 'Failed' | 'Succeeded'): Promise<void> {
    const p = this.pods.peek(name);
    if (!p) throw new Error(`no pod ${name}`);
    await this.pods.updateStatus({ ...p, status: { phase } });
    this.syncCaches();
  }

  /** Changes the set's spec (as a user's update does, bumping the generation). */
  async updateSet(change: (s: StatefulSet) => void): Promise<void> {
    const s = this.set();
    change(s);
    s.metadata.generation = (s.metadata.generation ?? 1) + 1;
    await this.sets.update(s);
    this.syncCaches();
  }

  /** The stored set. */
  set(): Stored<StatefulSet, NS> {
    const s = this.sets.peek('web');
    if (!s) throw new Error('no set');
    return s;
  }

  /** Names of stored pods, sorted. */
  podNames(): string[] {
    return this.pods
      .all()
      .map((p) => p.metadata.name)
      .sort();
  }

  /** The revision label of a pod. */
  revisionOf(name: string): string | undefined {
    return this.pods.peek(name)?.metadata.labels?.['controller-revision-hash'];
  }

  /** Events as `Type Reason message`. */
  events(): string[] {
    return this.recorder.events.map((e) => `${e.type} ${e.reason} ${e.message}`);
  }

  /** Runs the set up to `n` Ready pods (OrderedReady: one at a time). */
  async runReady(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.settle();
      const notReady = this.pods.all().filter((p) => p.status?.phase !== 'Running');
      if (notReady.length === 0) return;
      await this.ready(...notReady.map((p) => p.metadata.name));
    }
    throw new Error('set did not become ready');
  }
}
