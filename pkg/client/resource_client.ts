/**
 * A typed client for one resource: get, list, create, update, updateStatus, patch, delete,
 * deleteCollection, watch. `namespace` is ignored for cluster-scoped resources; for namespaced ones an undefined
 * namespace lists/watches across all namespaces.
 *
 * What the apiserver answers is typed Stored<T, S> (name, uid, resourceVersion and, for a
 * namespaced resource, namespace set), except a dry-run create, whose object was never stored.
 */
import type { DeleteOptions, KubeObject, ObjectList, WatchEvent } from '../api/meta';
import { groupVersionPath, type ScopedResourceInfo } from '../api/resources';
import type { IsNamespaced, Scope, Stored } from '../api/stored';
import type { Query, RestClient } from './rest';
import { decodeWatchStream } from './watch_decoder';

/** Options of list and watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

/** Patch media types. */
export const PatchType = {
  Merge: 'application/merge-patch+json',
  Json: 'application/json-patch+json',
  Strategic: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/**
 * A running watch: iterate `events`; `stop` aborts the stream. (Typed by what ADDED, MODIFIED
 * and DELETED carry; a BOOKMARK carries only a resourceVersion, an ERROR a Status.)
 */
export interface Watch<T> {
  events: AsyncIterable<WatchEvent<T>>;
  stop(): void;
}

/** Typed REST client of one resource of scope `S` (either, when left open). */
export class ResourceClient<T extends KubeObject, S extends Scope = Scope> {
  constructor(
    private readonly rest: RestClient,
    readonly info: ScopedResourceInfo<IsNamespaced<S>>,
  ) {}

  /** URL path of the collection or one object. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const ns = this.info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const tail = name !== undefined ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
    return `${groupVersionPath(this.info)}${ns}/${this.info.resource}${tail}`;
  }

  get(name: string, namespace?: string): Promise<Stored<T, S>> {
    return this.rest.request('GET', this.path(namespace, name));
  }

  list(namespace?: string, opts: ListOptions = {}): Promise<ObjectList<Stored<T, S>>> {
    return this.rest.request('GET', this.path(namespace), { query: opts as Query });
  }

  /** Creates `obj`; resolves with the stored object (with `dryRun`, with what would have been stored). */
  create(obj: T, opts?: { dryRun?: false }): Promise<Stored<T, S>>;
  create(obj: T, opts: { dryRun?: boolean }): Promise<T>;
  create(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.rest.request('POST', this.path(obj.metadata.namespace), {
      body: obj,
      query: { dryRun: opts.dryRun ? 'All' : undefined },
    });
  }

  update(obj: T): Promise<Stored<T, S>> {
    return this.rest.request('PUT', this.path(obj.metadata.namespace, obj.metadata.name), { body: obj });
  }

  updateStatus(obj: T): Promise<Stored<T, S>> {
    return this.rest.request('PUT', this.path(obj.metadata.namespace, obj.metadata.name, 'status'), { body: obj });
  }

  patch(
    name: string,
    namespace: string | undefined,
    type: PatchType,
    patch: unknown,
    opts: { subresource?: string; fieldManager?: string; force?: boolean } = {},
  ): Promise<Stored<T, S>> {
    return this.rest.request('PATCH', this.path(namespace, name, opts.subresource), {
      body: typeof patch === 'string' ? patch : JSON.stringify(patch),
      contentType: type,
      query: { fieldManager: opts.fieldManager, force: opts.force },
    });
  }

  /** Deletes (or, with finalizers, marks) an object; resolves with its last stored state. */
  delete(name: string, namespace?: string, opts: DeleteOptions = {}): Promise<Stored<T, S>> {
    return this.rest.request('DELETE', this.path(namespace, name), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', ...opts },
    });
  }

  /** Deletes every object of `namespace` a list query selects; resolves with what was deleted or marked. */
  deleteCollection(
    namespace?: string,
    opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'> = {},
  ): Promise<ObjectList<Stored<T, S>>> {
    return this.rest.request('DELETE', this.path(namespace), { query: opts as Query });
  }

  /**
   * Opens a watch. An error before the stream starts rejects with a StatusError; a too-old
   * resourceVersion arrives, as from kube-apiserver, as one ERROR event carrying a 410 Status.
   */
  async watch(namespace: string | undefined, opts: ListOptions = {}): Promise<Watch<Stored<T, S>>> {
    const ac = new AbortController();
    const res = await this.rest.stream(this.path(namespace), {
      query: { ...(opts as Query), watch: 'true' },
      signal: ac.signal,
    });
    const events = (async function* () {
      try {
        yield* decodeWatchStream<Stored<T, S>>(res);
      } catch (err) {
        if (ac.signal.aborted) return;
        throw err;
      }
    })();
    return {
      events,
      stop: () => {
        ac.abort();
        res.destroy();
      },
    };
  }
}
