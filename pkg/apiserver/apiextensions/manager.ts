/**
 * The CRD manager: the apiserver's own controllers for CustomResourceDefinitions (kube's
 * NamingConditionController, EstablishingController, finalizer controller and the dynamic
 * handler in one loop). It watches the CRD store; for each CRD it checks the names, installs
 * one generic Store per served version into the apiserver's store map (routes, discovery and
 * OpenAPI follow it) and sets NamesAccepted / Established. A CRD marked for deletion gets its
 * objects deleted (Terminating: InstanceDeletionInProgress), then its finalizer removed; when
 * it is gone its stores are removed. Reconciles run one at a time, level-based on the stored CRD.
 */
import type { Logger } from 'pino';
import {
  CrdConditionReason,
  CrdConditionType,
  customResourceCleanupFinalizer,
  type CustomResourceDefinition,
} from '../../api/apiextensions/v1';
import { isNotFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { ResourceInfo } from '../../api/resources';
import type { Storage } from '../../storage/interfaces';
import { storeKey } from '../handlers/resource';
import { Store, type StoreAdmission } from '../registry/store';
import { WatchCache, type CacheWatcher } from '../watch/cache';
import { setCrdCondition } from './conditions';
import { customResourceStrategy } from './cr_strategy';
import { checkNames } from './naming';

/** How soon a CRD whose objects are still held by finalizers is looked at again. */
const cleanupRetryMs = 1000;

/** Dependencies of the manager. */
export interface CrdManagerOptions {
  crds: Store;
  storage: Storage;
  keyPrefix: string;
  logger: Logger;
  /** The apiserver's store map (keyed by storeKey); the manager adds and removes entries. */
  stores: Map<string, Store>;
  /** The built-in resources (their names are taken). */
  builtins: readonly ResourceInfo[];
  admissionFor: (info: ResourceInfo) => StoreAdmission<KubeObject>;
  watchCacheCapacity?: number;
}

/** What is served for one CRD. */
interface Installed {
  /** generation + accepted names: a change reinstalls. */
  fingerprint: string;
  crd: CustomResourceDefinition;
  stores: Map<string, Store>;
}

/** See the module comment. */
export class CrdManager {
  private readonly installed = new Map<string, Installed>();
  private chain: Promise<void> = Promise.resolve();
  private watcher?: CacheWatcher;
  private stopped = false;
  /** CRDs being deleted: their kinds take no new objects. */
  private readonly terminating = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly o: CrdManagerOptions) {
    this.log = o.logger.child({ logger: 'apiextensions' });
  }

  /** The resources every Established CRD serves (discovery and OpenAPI read them). */
  servedResources(): ResourceInfo[] {
    return [...this.installed.values()].flatMap((i) => [...i.stores.values()].map((s) => s.strategy.info));
  }

  /** The installed CRDs (OpenAPI is built from their schemas). */
  servedCrds(): CustomResourceDefinition[] {
    return [...this.installed.values()].map((i) => i.crd);
  }

  /** Installs what the stored CRDs ask for, then follows the CRD store's changes. */
  async start(): Promise<void> {
    this.stopped = false;
    const list = await this.o.crds.list(undefined);
    for (const c of list.items) await this.reconcile(c.metadata.name);
    this.watcher = await this.o.crds.watch(Number(list.metadata.resourceVersion), {
      event: (e) => {
        this.enqueue(e.ev.object.metadata.name ?? '');
        // A deleted (or renamed) CRD may free names another CRD of its group is waiting for.
        if (e.ev.type !== 'ADDED')
          for (const o of this.others())
            if (o.metadata.name !== e.ev.object.metadata.name) this.enqueue(o.metadata.name ?? '');
        return true;
      },
      close: (err) => {
        if (err) this.log.warn({ err: err.message }, 'CRD watch ended; restarting');
        if (err) void this.restart();
      },
    });
  }

  private async restart(): Promise<void> {
    try {
      await this.start();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'CRD manager restart failed');
    }
  }

  /** Resolves once every queued reconcile has run (tests). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Stops watching and serving. */
  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    for (const name of [...this.installed.keys()]) this.uninstall(name);
  }

  private enqueue(name: string): void {
    this.chain = this.chain
      .then(() => this.reconcile(name))
      .catch((err: Error) => this.log.warn({ crd: name, err: err.message }, 'CRD reconcile failed'));
  }

  private requeueLater(name: string): void {
    if (this.stopped) return;
    const t = setTimeout(() => this.enqueue(name), cleanupRetryMs);
    t.unref();
  }

  private others(): CustomResourceDefinition[] {
    const snap = this.o.crds.cache.snapshot(this.o.crds.listPrefix(undefined));
    return snap.items as CustomResourceDefinition[];
  }

  private async reconcile(name: string): Promise<void> {
    let crd: CustomResourceDefinition;
    try {
      crd = (await this.o.crds.get(undefined, name)) as CustomResourceDefinition;
    } catch (err) {
      if (isNotFound(err)) {
        this.terminating.delete(name);
        return this.uninstall(name);
      }
      throw err;
    }
    if (crd.metadata.deletionTimestamp) return this.finalize(crd);
    this.terminating.delete(name);
    const naming = checkNames(crd, this.others(), this.o.builtins);
    let next: CustomResourceDefinition = setCrdCondition(crd, {
      type: CrdConditionType.NamesAccepted,
      status: naming.accepted ? 'True' : 'False',
      reason: naming.accepted ? CrdConditionReason.NoConflicts : CrdConditionReason.NotAccepted,
      message: naming.accepted ? 'no conflicts found' : (naming.message ?? ''),
    });
    if (naming.names) next = { ...next, status: { ...next.status, acceptedNames: naming.names } };
    if (naming.names) {
      await this.install(next);
      next = setCrdCondition(next, {
        type: CrdConditionType.Established,
        status: 'True',
        reason: CrdConditionReason.InitialNamesAccepted,
        message: 'the initial names have been accepted',
      });
    } else {
      next = setCrdCondition(next, {
        type: CrdConditionType.Established,
        status: 'False',
        reason: CrdConditionReason.NotAccepted,
        message: 'not all names are accepted',
      });
    }
    if (JSON.stringify(next.status) !== JSON.stringify(crd.status)) await this.writeStatus(crd, next);
  }

  private async writeStatus(crd: CustomResourceDefinition, next: CustomResourceDefinition): Promise<void> {
    await this.o.crds.systemUpdate(undefined, crd.metadata.name ?? '', (cur) => {
      if (cur.metadata.resourceVersion !== crd.metadata.resourceVersion) return cur;
      return { ...cur, status: next.status } as KubeObject;
    });
  }

  /** Deletes every object of a CRD being deleted, then releases it. */
  private async finalize(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? '';
    if (!crd.metadata.finalizers?.includes(customResourceCleanupFinalizer)) return;
    this.terminating.add(name);
    if (!this.installed.has(name) && crd.status?.acceptedNames?.plural) await this.install(crd);
    const store = [...(this.installed.get(name)?.stores.values() ?? [])][0];
    if (store) {
      const progress = setCrdCondition(crd, {
        type: CrdConditionType.Terminating,
        status: 'True',
        reason: CrdConditionReason.InstanceDeletionInProgress,
        message: 'CustomResource deletion is in progress',
      });
      if (JSON.stringify(progress.status) !== JSON.stringify(crd.status)) await this.writeStatus(crd, progress);
      const list = await store.list(undefined);
      for (const o of list.items) {
        try {
          await store.delete(o.metadata.namespace, o.metadata.name ?? '', {});
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      const left = await store.list(undefined);
      if (left.items.length > 0) {
        // Objects held by their own finalizers: look again later (their removal is not a CRD event).
        this.log.info({ crd: name, remaining: left.items.length }, 'custom objects still being deleted');
        this.requeueLater(name);
        return;
      }
    }
    this.uninstall(name);
    await this.o.crds.guaranteedUpdate(undefined, name, (cur) => ({
      ...cur,
      metadata: {
        ...cur.metadata,
        finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== customResourceCleanupFinalizer),
      },
    }));
  }

  private async install(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? '';
    const fingerprint = `${crd.metadata.generation ?? 0}/${JSON.stringify(crd.status?.acceptedNames)}`;
    const cur = this.installed.get(name);
    if (cur?.fingerprint === fingerprint) {
      cur.crd = crd;
      return;
    }
    const stores = new Map<string, Store>();
    const prefix = this.o.keyPrefix.replace(/\/$/, '');
    const path = `${crd.spec.group}/${crd.status?.acceptedNames?.plural ?? crd.spec.names.plural}`;
    for (const v of crd.spec.versions.filter((x) => x.served)) {
      const strategy = customResourceStrategy(crd, v, () => this.terminating.has(name));
      const cache = new WatchCache({
        storage: this.o.storage,
        prefix: `${prefix}/${path}/`,
        logger: this.log,
        ...(this.o.watchCacheCapacity ? { capacity: this.o.watchCacheCapacity } : {}),
      });
      await cache.start();
      const info = strategy.info;
      stores.set(
        storeKey(info.group, info.version, info.resource),
        new Store({
          strategy,
          storage: this.o.storage,
          cache,
          keyPrefix: this.o.keyPrefix,
          resourcePath: path,
          admission: this.o.admissionFor(info),
        }),
      );
    }
    this.uninstall(name);
    for (const [k, s] of stores) this.o.stores.set(k, s);
    this.installed.set(name, { fingerprint, crd, stores });
    this.log.info({ crd: name }, 'serving custom resource');
  }

  private uninstall(name: string): void {
    const cur = this.installed.get(name);
    if (!cur) return;
    for (const [k, s] of cur.stores) {
      if (this.o.stores.get(k) === s) this.o.stores.delete(k);
      s.cache.stop();
    }
    this.installed.delete(name);
  }
}
