/**
 * An in-memory fake of the typed resource clients, for controller unit tests. Each
 * FakeResource keeps its objects in a Map and follows the apiserver's write semantics closely
 * enough for controllers to be tested against it:
 *   - every write bumps one revision counter shared by the FakeClientset (resourceVersion);
 *   - update/updateStatus with a resourceVersion other than the stored one → 409 Conflict
 *     (`conflict()` from pkg/api/errors), with a uid other than the stored one → Conflict too;
 *   - update ignores `status`, updateStatus changes only `status` (as the /status subresource);
 *   - create fills uid/creationTimestamp and, with `createdStatus`, forces the status
 *     (the PV/PVC strategies create every object Pending);
 *   - delete of an object with finalizers only sets deletionTimestamp; an update that removes
 *     the last finalizer of such an object deletes it.
 * Every call is recorded in `actions`; `failNext` injects one error for a verb (and name).
 * Every method awaits a microtask first, so concurrent callers interleave as over a network.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound, type Qualified } from '../../pkg/api/errors';
import type { DeleteOptions, KubeObject, ObjectList } from '../../pkg/api/meta';
import type { IsNamespaced, Scope, Stored } from '../../pkg/api/stored';
import { objectKey } from '../../pkg/api/keys';

/** The verbs a FakeResource records. */
export type Verb = 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'delete';

/** One recorded call. */
export interface Action {
  resource: string;
  verb: Verb;
  /** `namespace/name` or `name` (empty for list). */
  key: string;
}

type WithStatus = KubeObject & { status?: unknown };

/** The shared revision counter and action log of a set of fake resources. */
export class FakeTracker {
  revision = 0;
  readonly actions: Action[] = [];

  next(): string {
    this.revision += 1;
    return String(this.revision);
  }
}

/** Options of a FakeResource of scope `S`. */
export interface FakeResourceOptions<S extends Scope = Scope> {
  /** Lower-case plural resource name (used in errors and actions). */
  resource: string;
  group?: string;
  namespaced: IsNamespaced<S>;
  /** The status a create stores (the apiserver creates PVs and PVCs Pending). */
  createdStatus?: () => unknown;
}

/**
 * An in-memory resource client with resourceVersion compare-and-swap semantics. What it hands
 * out is typed Stored<T, S>: every object it holds was stamped by seed or create (uid,
 * resourceVersion, and a namespace when namespaced), as the apiserver stamps what it stores.
 */
export class FakeResource<T extends KubeObject, S extends Scope = Scope> {
  private readonly objects = new Map<string, T>();
  private readonly failures: { verb: Verb; name?: string; err: Error }[] = [];
  private readonly qualified: Qualified;

  constructor(
    private readonly tracker: FakeTracker,
    private readonly opts: FakeResourceOptions<S>,
  ) {
    this.qualified = { resource: opts.resource, ...(opts.group ? { group: opts.group } : {}) };
  }

  /** Puts an object in place as is (initial state of a test), assigning uid and resourceVersion when missing. */
  seed(obj: T): Stored<T, S> {
    const copy = structuredClone(obj);
    if (this.opts.namespaced) copy.metadata.namespace = copy.metadata.namespace ?? 'default';
    copy.metadata.uid = copy.metadata.uid ?? randomUUID();
    copy.metadata.resourceVersion = this.tracker.next();
    this.objects.set(objectKey(copy), copy);
    return this.out(copy);
  }

  /** Removes an object without going through delete (an out-of-band change). */
  remove(name: string, namespace?: string): void {
    this.objects.delete(this.key(name, namespace));
  }

  /** A private copy of the stored object, or undefined. */
  peek(name: string, namespace?: string): Stored<T, S> | undefined {
    const o = this.objects.get(this.key(name, namespace));
    return o && this.out(o);
  }

  /** Private copies of every stored object. */
  all(): Stored<T, S>[] {
    return [...this.objects.values()].map((o) => this.out(o));
  }

  /** A private copy of a held object (each one was stamped by seed or create). */
  private out(o: T): Stored<T, S> {
    return structuredClone(o) as Stored<T, S>;
  }

  /** Makes the next call of `verb` (on `name`, when given) fail with `err`. */
  failNext(verb: Verb, err: Error, name?: string): void {
    this.failures.push({ verb, err, ...(name !== undefined ? { name } : {}) });
  }

  private key(name: string, namespace?: string): string {
    return this.opts.namespaced ? `${namespace ?? 'default'}/${name}` : name;
  }

  private async begin(verb: Verb, name: string, namespace?: string): Promise<string> {
    await Promise.resolve();
    const key = name ? this.key(name, namespace) : '';
    this.tracker.actions.push({ resource: this.opts.resource, verb, key });
    const i = this.failures.findIndex((f) => f.verb === verb && (f.name === undefined || f.name === name));
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      if (f) throw f.err;
    }
    return key;
  }

  async get(name: string, namespace?: string): Promise<Stored<T, S>> {
    const key = await this.begin('get', name, namespace);
    const cur = this.objects.get(key);
    if (!cur) throw notFound(this.qualified, name);
    return this.out(cur);
  }

  async list(namespace?: string): Promise<ObjectList<Stored<T, S>>> {
    await this.begin('list', '');
    const items = [...this.objects.values()].filter(
      (o) => !this.opts.namespaced || namespace === undefined || o.metadata.namespace === namespace,
    );
    return {
      metadata: { resourceVersion: String(this.tracker.revision) },
      items: items.map((o) => this.out(o)),
    };
  }

  async create(obj: T): Promise<Stored<T, S>> {
    const name = obj.metadata.name ?? '';
    const key = await this.begin('create', name, obj.metadata.namespace);
    if (this.objects.has(key)) throw alreadyExists(this.qualified, name);
    const copy = structuredClone(obj);
    if (this.opts.namespaced) copy.metadata.namespace = copy.metadata.namespace ?? 'default';
    else delete copy.metadata.namespace;
    copy.metadata.uid = randomUUID();
    copy.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    delete copy.metadata.deletionTimestamp;
    if (this.opts.createdStatus) (copy as WithStatus).status = this.opts.createdStatus();
    copy.metadata.resourceVersion = this.tracker.next();
    this.objects.set(key, copy);
    return this.out(copy);
  }

  /** The stored object the write applies to, after the CAS and uid preconditions. */
  private current(key: string, obj: T): T {
    const name = obj.metadata.name ?? '';
    const cur = this.objects.get(key);
    if (!cur) throw notFound(this.qualified, name);
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) {
      throw conflict(
        this.qualified,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid)
      throw conflict(this.qualified, name, 'Precondition failed: UID mismatch');
    return cur;
  }

  async update(obj: T): Promise<Stored<T, S>> {
    const key = await this.begin('update', obj.metadata.name ?? '', obj.metadata.namespace);
    const cur = this.current(key, obj);
    const next = structuredClone(obj) as WithStatus;
    next.metadata = {
      ...next.metadata,
      uid: cur.metadata.uid,
      ...(cur.metadata.creationTimestamp ? { creationTimestamp: cur.metadata.creationTimestamp } : {}),
      ...(this.opts.namespaced ? { namespace: cur.metadata.namespace } : {}),
    };
    delete next.metadata.deletionTimestamp;
    if (cur.metadata.deletionTimestamp) next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    const status = (cur as WithStatus).status;
    if (status === undefined) delete next.status;
    else next.status = structuredClone(status);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers?.length ?? 0) === 0) {
      this.objects.delete(key);
      this.tracker.next();
      return this.out(next as T);
    }
    next.metadata.resourceVersion = this.tracker.next();
    this.objects.set(key, next as T);
    return this.out(next as T);
  }

  async updateStatus(obj: T): Promise<Stored<T, S>> {
    const key = await this.begin('updateStatus', obj.metadata.name ?? '', obj.metadata.namespace);
    const cur = this.current(key, obj);
    const next = structuredClone(cur) as WithStatus;
    next.status = structuredClone((obj as WithStatus).status);
    next.metadata.resourceVersion = this.tracker.next();
    this.objects.set(key, next as T);
    return this.out(next as T);
  }

  /** Deletes every object of `namespace` (as DELETE on a collection); resolves with what was deleted or marked. */
  async deleteCollection(namespace?: string): Promise<ObjectList<Stored<T, S>>> {
    const { metadata, items } = await this.list(namespace);
    return {
      metadata,
      items: await Promise.all(items.map((o) => this.delete(o.metadata.name ?? '', o.metadata.namespace))),
    };
  }

  async delete(name: string, namespace?: string, _opts?: DeleteOptions): Promise<Stored<T, S>> {
    const key = await this.begin('delete', name, namespace);
    const cur = this.objects.get(key);
    if (!cur) throw notFound(this.qualified, name);
    if ((cur.metadata.finalizers?.length ?? 0) > 0) {
      if (!cur.metadata.deletionTimestamp) {
        cur.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        cur.metadata.resourceVersion = this.tracker.next();
      }
      return this.out(cur);
    }
    this.objects.delete(key);
    this.tracker.next();
    return this.out(cur);
  }
}
