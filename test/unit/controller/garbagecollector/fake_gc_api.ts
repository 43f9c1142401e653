/**
 * A fake apiserver for the garbage collector's unit tests: it implements the GCClient the
 * reconciler uses, follows the apiserver's rules for what the collector relies on (uid and
 * resourceVersion preconditions → 409; a DELETE's propagation adds or swaps the GC finalizer,
 * through the same deletionFinalizersForGC as the real store; a terminating object whose last
 * finalizer goes is removed), and tells the graph builder about every change, as the informers
 * would. Every call of the collector is recorded in `actions`; `failNext` injects one error.
 */
import { conflict, notFound } from '../../../../pkg/api/errors';
import type { DeleteOptions, KubeObject } from '../../../../pkg/api/meta';
import type { ResourceInfo } from '../../../../pkg/api/resources';
import type { Stored } from '../../../../pkg/api/stored';
import { deletionFinalizersForGC } from '../../../../pkg/apiserver/registry/gc_finalizers';
import type { GCClient, MetadataPatch } from '../../../../pkg/controller/garbagecollector/client';

/** One recorded call: `get pods ns/name`, `delete pods ns/name Background`, `patch …`. */
export interface GCAction {
  verb: 'get' | 'patch' | 'delete';
  /** `resource ns/name` or `resource name`. */
  key: string;
  policy?: string;
  patch?: Omit<MetadataPatch, 'uid' | 'resourceVersion'>;
}

/** What the fake reports changes to (the graph builder). */
export interface ChangeSink {
  observe(resource: ResourceInfo, obj: KubeObject): void;
  gone(obj: KubeObject): void;
}

const keyOf = (r: ResourceInfo, ns: string | undefined, name: string): string =>
  `${r.resource} ${r.namespaced ? `${ns ?? ''}/` : ''}${name}`;

/** The fake. */
export class FakeGCApi implements GCClient {
  readonly actions: GCAction[] = [];
  private readonly objects = new Map<string, { resource: ResourceInfo; obj: Stored<KubeObject> }>();
  private readonly failures: { verb: GCAction['verb']; err: Error }[] = [];
  private revision = 100;
  sink: ChangeSink | undefined;

  /** Stores an object as is (uid and resourceVersion must be set) and reports it. */
  seed(resource: ResourceInfo, obj: Stored<KubeObject>): void {
    this.objects.set(keyOf(resource, obj.metadata.namespace, obj.metadata.name), {
      resource,
      obj: structuredClone(obj),
    });
    this.sink?.observe(resource, structuredClone(obj));
  }

  /** The stored object, or undefined. */
  peek(resource: ResourceInfo, ns: string | undefined, name: string): Stored<KubeObject> | undefined {
    const o = this.objects.get(keyOf(resource, ns, name));
    return o && structuredClone(o.obj);
  }

  /** Makes the next call of `verb` fail. */
  failNext(verb: GCAction['verb'], err: Error): void {
    this.failures.push({ verb, err });
  }

  private begin(a: GCAction): void {
    this.actions.push(a);
    const i = this.failures.findIndex((f) => f.verb === a.verb);
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      if (f) throw f.err;
    }
  }

  private current(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    pre?: { uid?: string; resourceVersion?: string },
  ) {
    const held = this.objects.get(keyOf(r, ns, name));
    if (!held) throw notFound({ resource: r.resource }, name);
    if (pre?.uid && pre.uid !== held.obj.metadata.uid)
      throw conflict({ resource: r.resource }, name, 'uid precondition');
    if (pre?.resourceVersion && pre.resourceVersion !== held.obj.metadata.resourceVersion)
      throw conflict({ resource: r.resource }, name, 'the object has been modified');
    return held;
  }

  private write(r: ResourceInfo, obj: Stored<KubeObject>): void {
    const key = keyOf(r, obj.metadata.namespace, obj.metadata.name);
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
      this.objects.delete(key);
      this.sink?.gone(structuredClone(obj));
      return;
    }
    obj.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, { resource: r, obj });
    this.sink?.observe(r, structuredClone(obj));
  }

  async get(r: ResourceInfo, ns: string | undefined, name: string): Promise<Stored<KubeObject>> {
    await Promise.resolve();
    this.begin({ verb: 'get', key: keyOf(r, ns, name) });
    return structuredClone(this.current(r, ns, name).obj);
  }

  async patchMetadata(r: ResourceInfo, ns: string | undefined, name: string, patch: MetadataPatch): Promise<void> {
    await Promise.resolve();
    const { uid, resourceVersion, ...rest } = patch;
    this.begin({ verb: 'patch', key: keyOf(r, ns, name), patch: rest });
    const obj = structuredClone(this.current(r, ns, name, { uid, resourceVersion }).obj);
    if (rest.ownerReferences === null) delete obj.metadata.ownerReferences;
    else if (rest.ownerReferences) obj.metadata.ownerReferences = rest.ownerReferences;
    if (rest.finalizers === null) delete obj.metadata.finalizers;
    else if (rest.finalizers) obj.metadata.finalizers = rest.finalizers;
    this.write(r, obj);
  }

  async delete(r: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions): Promise<void> {
    await Promise.resolve();
    this.begin({
      verb: 'delete',
      key: keyOf(r, ns, name),
      ...(opts.propagationPolicy ? { policy: opts.propagationPolicy } : {}),
    });
    this.userDelete(r, ns, name, opts);
  }

  /** A DELETE by someone else (not recorded): as the apiserver's store decides it. */
  userDelete(r: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions = {}): void {
    const obj = structuredClone(this.current(r, ns, name, opts.preconditions).obj);
    const finalizers = deletionFinalizersForGC(obj.metadata.finalizers, opts) ?? obj.metadata.finalizers ?? [];
    obj.metadata.finalizers = finalizers;
    if (finalizers.length === 0) delete obj.metadata.finalizers;
    obj.metadata.deletionTimestamp = obj.metadata.deletionTimestamp ?? '2024-05-01T10:00:00Z';
    this.write(r, obj);
  }
}
