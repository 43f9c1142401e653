/**
 * The ONE generic registry store: create / get / list / update / patch / delete / watch for any
 * resource, configured by a Strategy. Handlers translate HTTP into calls on it; it translates
 * storage errors into API StatusErrors and owns server-side metadata (uid, timestamps,
 * generation, graceful deletion and finalizers).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, StatusError } from '../../api/errors';
import type { DeleteOptions, KubeObject, ObjectList } from '../../api/meta';
import { apiVersionOf } from '../../api/resources';
import { toStatusError, validateObjectMeta } from '../../api/validation';
import { isStorageError, StorageError, StorageErrorCode } from '../../storage/errors';
import type { Preconditions, Storage } from '../../storage/interfaces';
import type { CacheWatcher, CacheWatcherSink, WatchCache } from '../watch/cache';
import type { Strategy } from './strategy';
import { deletionFinalizersForGC } from './gc_finalizers';
import { translateStorageError, waitForRevision } from './storage_errors';
import { objectMatcher } from './list_matcher';
import { prepareUpdate } from './update_preparation';
import { jsonClone } from '../../util/json/clone';
import { rfc3339 } from '../../api/time';
import { DefaultNamespace, objectKey, storageKey, storageListPrefix, storagePrefix } from '../../api/keys';
import type { Stored } from '../../api/stored';

/** Query options of list and watch. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** Options of create and update. */
export interface WriteOptions {
  dryRun?: boolean;
  /** Update only this subresource (status, or one of the strategy's updateSubresources). */
  subresource?: string;
}

/** The result of a delete: the object, and whether it is gone (or only marked). */
export interface DeleteResult<T> {
  object: T;
  deleted: boolean;
}

/** Dependencies of a Store. */
export interface StoreOptions<T extends KubeObject> {
  strategy: Strategy<T>;
  storage: Storage;
  cache: WatchCache;
  /** etcd key prefix, e.g. /registry. */
  keyPrefix: string;
  admission?: StoreAdmission<T>;
  now?: () => Date;
  /**
   * How long a read at a resourceVersion newer than the store's waits for the store to reach
   * it before answering 504 "Too large resource version" (default 3 s, as kube-apiserver).
   */
  freshnessWaitMs?: number;
  /** The key path below keyPrefix (default the resource; custom resources: `<group>/<plural>`). */
  resourcePath?: string;
}

/** Default of StoreOptions.freshnessWaitMs (kube-apiserver's watch cache blockTimeout). */
export const defaultFreshnessWaitMs = 3000;

/** Admission checks the store runs around its writes (the apiserver plugs NamespaceLifecycle in). */
export interface StoreAdmission<T extends KubeObject> {
  /** Before a create in namespace `ns` (namespaced resources); throws to refuse. */
  create?(ns: string, obj: T): Promise<void>;
  /** Before a delete of `obj` (as stored); throws to refuse. */
  delete?(obj: Stored<T>): void;
  /** After a delete removed `obj` (its last stored state) or marked it for deletion. */
  deleted?(obj: Stored<T>): void;
}

/** Generic REST storage for one resource. */
export class Store<T extends KubeObject = KubeObject> {
  readonly strategy: Strategy<T>;
  readonly cache: WatchCache;
  private readonly storage: Storage;
  private readonly root: string;
  private readonly admission: StoreAdmission<T>;
  private readonly now: () => Date;
  private readonly freshnessWaitMs: number;

  constructor(opts: StoreOptions<T>) {
    this.strategy = opts.strategy;
    this.storage = opts.storage;
    this.cache = opts.cache;
    this.root = storagePrefix(opts.keyPrefix, opts.resourcePath ?? opts.strategy.info.resource);
    this.admission = opts.admission ?? {};
    this.now = opts.now ?? (() => new Date());
    this.freshnessWaitMs = opts.freshnessWaitMs ?? defaultFreshnessWaitMs;
  }

  /**
   * Waits (bounded by freshnessWaitMs) until the store's revision reaches `rv`; past the
   * deadline a 504 with cause ResourceVersionTooLarge, as kube-apiserver's watch cache answers.
   */
  async waitForRevision(rv: number): Promise<void> {
    if (rv <= this.cache.latestRevision) return;
    try {
      await waitForRevision(this.storage, rv, this.freshnessWaitMs);
    } catch (err) {
      this.translate(err, '');
    }
  }

  private get qualified() {
    return { group: this.strategy.info.group, resource: this.strategy.info.resource };
  }

  /** The prefix all of this resource's keys share (ends in '/'). */
  get resourcePrefix(): string {
    return this.root;
  }

  /** The etcd key of one object. */
  key(ns: string | undefined, name: string): string {
    return storageKey(this.root, this.strategy.info.namespaced, ns, name);
  }

  /** The prefix a list of `ns` reads (the whole resource when `ns` is undefined or cluster-scoped). */
  listPrefix(ns: string | undefined): string {
    return storageListPrefix(this.root, this.strategy.info.namespaced, ns);
  }

  /** Converts storage failures into API errors naming this resource. */
  private translate(err: unknown, name: string): never {
    return translateStorageError(err, this.qualified, name);
  }

  private withTypeMeta<O extends T>(obj: O): O {
    return { ...obj, apiVersion: apiVersionOf(this.strategy.info), kind: this.strategy.info.kind };
  }

  private validateCreate(obj: T): void {
    const errs = [
      ...validateObjectMeta(obj.metadata, { namespaced: this.strategy.info.namespaced }),
      ...this.strategy.validate(obj),
    ];
    if (errs.length)
      throw toStatusError(this.strategy.info.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', errs);
  }

  /** Creates an object in `ns` (ignored for cluster-scoped resources). */
  async create(ns: string | undefined, input: T, opts: WriteOptions = {}): Promise<T> {
    const info = this.strategy.info;
    const meta = { ...input.metadata };
    if (info.namespaced) {
      if (meta.namespace && ns && meta.namespace !== ns) {
        throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
      }
      meta.namespace = ns ?? meta.namespace ?? DefaultNamespace;
      await this.admission.create?.(meta.namespace, { ...input, metadata: meta });
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    const now = rfc3339(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    let obj: T = this.withTypeMeta({
      ...input,
      metadata: { ...meta, uid: randomUUID(), creationTimestamp: now, generation: 1 },
    });
    obj = this.strategy.prepareForCreate(obj);
    this.validateCreate(obj);
    const name = obj.metadata.name ?? '';
    if (opts.dryRun) return obj;
    try {
      return (await this.storage.create(this.key(obj.metadata.namespace, name), obj)) as T;
    } catch (err) {
      return this.translate(err, name);
    }
  }

  /**
   * Reads one object. With a resourceVersion (other than "0"), the store must have reached it
   * first (a bounded wait, then 504), as kube-apiserver's cached reads.
   */
  async get(ns: string | undefined, name: string, resourceVersion?: string): Promise<Stored<T>> {
    if (resourceVersion && resourceVersion !== '0') {
      const rv = Number(resourceVersion);
      if (!/^\d+$/.test(resourceVersion) || !Number.isSafeInteger(rv))
        throw badRequest(`invalid resourceVersion: ${resourceVersion}`);
      await this.waitForRevision(rv);
    }
    try {
      return this.withTypeMeta((await this.storage.get(this.key(ns, name))) as Stored<T>);
    } catch (err) {
      return this.translate(err, name);
    }
  }

  /** Builds the object filter of a list or watch query; bad selectors are 400s. */
  matcher(q: ListQuery, name?: string): (obj: T) => boolean {
    return objectMatcher(this.strategy, q, name);
  }

  /** Lists objects in `ns` (all namespaces when undefined). */
  async list(ns: string | undefined, q: ListQuery = {}): Promise<ObjectList<Stored<T>>> {
    const predicate = this.matcher(q);
    let revision: number | undefined;
    if (q.resourceVersion && q.resourceVersion !== '0') {
      const rv = Number(q.resourceVersion);
      if (!Number.isSafeInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion: ${q.resourceVersion}`);
      if (q.resourceVersionMatch === 'Exact') revision = rv;
      await this.waitForRevision(rv);
    } else if (q.resourceVersionMatch === 'Exact') {
      throw badRequest('resourceVersionMatch: Exact requires a non-zero resourceVersion');
    }
    const info = this.strategy.info;
    if (q.resourceVersion === '0' && !q.continue) {
      // "Any version": served from the watch cache, whole (limit is not honoured, as in kube-apiserver).
      const snap = this.cache.snapshot(this.listPrefix(ns));
      const items = snap.items
        .filter((o) => predicate(o as T))
        .sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0));
      return {
        apiVersion: apiVersionOf(info),
        kind: info.listKind,
        metadata: { resourceVersion: String(snap.revision) },
        items: items.map((o) => this.withTypeMeta(o as Stored<T>)),
      };
    }
    try {
      const selective = Boolean(q.labelSelector?.trim() || q.fieldSelector?.trim());
      const page = await this.storage.list(this.listPrefix(ns), {
        ...(selective ? { predicate: predicate as (o: KubeObject) => boolean } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.continue ? { continue: q.continue } : {}),
        ...(revision ? { revision } : {}),
      });
      return {
        apiVersion: apiVersionOf(info),
        kind: info.listKind,
        metadata: { resourceVersion: String(page.revision), ...(page.continue ? { continue: page.continue } : {}) },
        items: page.items.map((o) => this.withTypeMeta(o as Stored<T>)),
      };
    } catch (err) {
      return this.translate(err, '');
    }
  }

  /** Starts a watch of `ns` from a revision; events are delivered to `sink`. */
  async watch(revision: number, sink: CacheWatcherSink): Promise<CacheWatcher> {
    await this.waitForRevision(revision);
    return this.cache.watch(revision, sink);
  }

  /**
   * Replaces an object (PUT) or its status. A body carrying a resourceVersion other than the
   * current one is a 409; without one the update is unconditional. `admit` sees the body and the
   * current object on each attempt (field validation, managedFields).
   */
  async update(
    ns: string | undefined,
    name: string,
    input: T,
    opts: WriteOptions = {},
    admit: (input: T, cur: T) => T = (i) => i,
  ): Promise<T> {
    if (input.metadata?.name && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (this.strategy.info.namespaced && input.metadata?.namespace && ns && input.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    return this.guaranteedUpdate(ns, name, (cur) => admit(input, cur), opts);
  }

  /**
   * Read-modify-write: `mutate` gets a private copy of the current object and returns the
   * desired object (as a client would PUT it). Retried on conflicts unless the returned object
   * pins a resourceVersion, which is then checked like a client PUT.
   */
  async guaranteedUpdate(
    ns: string | undefined,
    name: string,
    mutate: (cur: T) => T,
    opts: WriteOptions = {},
  ): Promise<T> {
    const key = this.key(ns, name);
    try {
      for (;;) {
        // An update that releases an object marked for deletion (its last finalizer removed)
        // writes nothing: the object is deleted instead, by one compare-and-delete on the
        // revision the update was computed from, as kube-apiserver does. Writing the release and
        // deleting afterwards would leave the object marked, without finalizers, forever if etcd
        // failed between the two.
        let next: T | undefined;
        let releasedFrom: string | undefined;
        const tryUpdate = (read: KubeObject): KubeObject => {
          const cur = read as Stored<T>;
          next = prepareUpdate(this.strategy, mutate(jsonClone(cur) as T), cur, opts);
          releasedFrom = this.released(next) ? cur.metadata.resourceVersion : undefined;
          return releasedFrom === undefined ? next : cur;
        };
        if (opts.dryRun) {
          tryUpdate(await this.storage.get(key));
          return this.withTypeMeta(next as T);
        }
        // The watch cache's copy saves the read when it is current (the usual case).
        const written = (await this.storage.guaranteedUpdate(
          key,
          tryUpdate,
          undefined,
          this.cache.getCached(key),
        )) as T;
        if (releasedFrom === undefined || !next) return this.withTypeMeta(written);
        try {
          await this.storage.delete(key, { resourceVersion: releasedFrom });
          return this.withTypeMeta(next);
        } catch (err) {
          // Changed since it was read: compute the update again on the new state.
          if (isStorageError(err, StorageErrorCode.PreconditionFailed)) continue;
          throw err;
        }
      }
    } catch (err) {
      return this.translate(err, name);
    }
  }

  /**
   * A server-internal read-modify-write (bindings, finalizer bookkeeping): `mutate`'s result is
   * written as is, bypassing the strategy, retried on conflicts.
   */
  async systemUpdate(ns: string | undefined, name: string, mutate: (cur: T) => T): Promise<T> {
    const key = this.key(ns, name);
    try {
      const result = (await this.storage.guaranteedUpdate(key, (cur) => {
        const next = mutate(jsonClone(cur) as T);
        return next;
      })) as T;
      return this.withTypeMeta(result);
    } catch (err) {
      return this.translate(err, name);
    }
  }

  /** True while finalizers (metadata's, or the strategy's own) keep `obj` from being removed. */
  private held(obj: T): boolean {
    return (obj.metadata.finalizers?.length ?? 0) > 0 || this.strategy.deletionPending?.(obj) === true;
  }

  /** True for an object marked for deletion whose finalizers are gone and whose grace is over. */
  private released(obj: T): boolean {
    const m = obj.metadata;
    return !!m.deletionTimestamp && !this.held(obj) && (m.deletionGracePeriodSeconds ?? 0) <= 0;
  }

  /**
   * The object with the finalizers a delete leaves on it: the garbage collector's, as the
   * delete's propagation asks (gc_finalizers.ts). While a graceful deletion is pending and not
   * shortened, finalizers are left alone (kube-apiserver's BeforeDelete).
   */
  private withDeleteFinalizers(obj: Stored<T>, grace: number, opts: DeleteOptions): Stored<T> {
    const m = obj.metadata;
    const pendingGrace = m.deletionGracePeriodSeconds ?? 0;
    if (m.deletionTimestamp && pendingGrace > 0 && grace >= pendingGrace) return obj;
    const extra = m.deletionTimestamp ? [] : (this.strategy.finalizersOnDelete?.(obj) ?? []);
    const base = extra.length
      ? [...(m.finalizers ?? []), ...extra.filter((f) => !m.finalizers?.includes(f))]
      : m.finalizers;
    const finalizers = deletionFinalizersForGC(base, opts) ?? (extra.length ? base : undefined);
    if (!finalizers) return obj;
    const { finalizers: _old, ...rest } = m;
    return { ...obj, metadata: finalizers.length > 0 ? { ...rest, finalizers } : rest };
  }

  /**
   * Deletes an object. With finalizers (including the one its propagation policy adds:
   * `orphan` or `foregroundDeletion`), or a grace period (pods on a node), it is only marked
   * (deletionTimestamp) and removed once both are over.
   */
  async delete(ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult<T>> {
    const key = this.key(ns, name);
    const pre: Preconditions = {
      ...(opts.preconditions?.uid ? { uid: opts.preconditions.uid } : {}),
      ...(opts.preconditions?.resourceVersion ? { resourceVersion: opts.preconditions.resourceVersion } : {}),
    };
    const dryRun = (opts.dryRun ?? []).includes('All');
    try {
      for (;;) {
        const read = (await this.storage.get(key)) as Stored<T>;
        this.admission.delete?.(read);
        const grace = this.strategy.gracePeriod(read, opts.gracePeriodSeconds);
        const cur = this.withDeleteFinalizers(read, grace, opts);
        if (!this.held(cur) && grace === 0) {
          if (dryRun) return { object: this.withTypeMeta(cur), deleted: true };
          try {
            const gone = (await this.storage.delete(key, pre, (c) => {
              const held = this.held(this.withDeleteFinalizers(c as Stored<T>, grace, opts));
              if (held || c.metadata.resourceVersion !== cur.metadata.resourceVersion) {
                throw new StorageError(StorageErrorCode.KeyExists, key, 'changed');
              }
            })) as Stored<T>;
            this.admission.deleted?.(gone);
            return { object: this.withTypeMeta(gone), deleted: true };
          } catch (err) {
            if (err instanceof StorageError && err.code === StorageErrorCode.KeyExists) continue;
            throw err;
          }
        }
        // Marked: deletionTimestamp = now + grace (a shorter grace than before moves it closer).
        // If the finalizers went meanwhile, nothing is marked: the loop deletes it outright (a
        // marked-and-released object written first could be left behind by a failing etcd).
        const mark = (read: Stored<T>): T => {
          const c = this.withDeleteFinalizers(read, grace, opts);
          if (!this.held(c) && grace === 0) throw new StorageError(StorageErrorCode.KeyExists, key, 'changed');
          const m = c.metadata;
          if (!m.deletionTimestamp || grace < (m.deletionGracePeriodSeconds ?? 0)) {
            m.deletionTimestamp = rfc3339(new Date(this.now().getTime() + grace * 1000));
            m.deletionGracePeriodSeconds = grace;
          }
          return this.strategy.prepareForDeletion ? this.strategy.prepareForDeletion(c) : c;
        };
        if (dryRun) return { object: this.withTypeMeta(mark(jsonClone(read))), deleted: false };
        let marked: Stored<T>;
        try {
          marked = (await this.storage.guaranteedUpdate(key, (c) => mark(c as Stored<T>), pre)) as Stored<T>;
        } catch (err) {
          if (err instanceof StorageError && err.code === StorageErrorCode.KeyExists) continue;
          throw err;
        }
        this.admission.deleted?.(marked);
        return { object: this.withTypeMeta(marked), deleted: false };
      }
    } catch (err) {
      return this.translate(err, name);
    }
  }

  /** Deletes every object a list query selects. */
  async deleteCollection(ns: string | undefined, q: ListQuery, opts: DeleteOptions = {}): Promise<ObjectList<T>> {
    const list = await this.list(ns, q);
    const items: T[] = [];
    for (const o of list.items) {
      try {
        items.push((await this.delete(o.metadata.namespace, o.metadata.name, opts)).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return { ...list, items };
  }
}
