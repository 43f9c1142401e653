/**
 * What the reflector needs from the API, defined by the reflector (consumer) side: list pages
 * and open watches. A ResourceClient is adapted by listWatchFor; tests supply fakes.
 */
import type { KubeObject, ObjectList } from '../api/meta';
import type { Scope, Stored } from '../api/stored';
import type { ResourceClient, Watch } from '../client/resource_client';

/** Options of one list call (one page). */
export interface ListPageOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Options of one watch call. */
export interface WatchStartOptions {
  /** Deliver every change after this version (the list's or the last event's). */
  resourceVersion: string;
  /** Server-side timeout: the server ends the watch cleanly after this long. */
  timeoutSeconds: number;
  allowWatchBookmarks: boolean;
}

/**
 * Lists and watches one collection (with whatever namespace and selectors it was made for).
 *
 * `list` resolves one page; `metadata.continue` is set when more pages follow and
 * `metadata.resourceVersion` is the version the list was read at. It rejects with a
 * StatusError on failure (410 when a continue token expired).
 *
 * `watch` resolves once the stream is open; it rejects with a StatusError or a transport
 * error (a too-old `resourceVersion` usually arrives as an ERROR event with a 410 Status). Iterating `events` ends when the stream
 * closes cleanly and throws on a broken stream or a malformed line (WatchDecodeError); after
 * `stop()` it ends without throwing.
 */
export interface ListerWatcher<T> {
  list(opts: ListPageOptions): Promise<ObjectList<T>>;
  watch(opts: WatchStartOptions): Promise<Watch<T>>;
}

/** Selectors an informer is restricted to (server-side filtering). */
export interface ListWatchSelectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * Adapts a ResourceClient: lists and watches `namespace` (every namespace when undefined or for
 * cluster-scoped resources) with the given selectors applied to both calls. What it yields is
 * what the apiserver stored.
 */
export function listWatchFor<T extends KubeObject, S extends Scope>(
  client: ResourceClient<T, S>,
  namespace?: string,
  selectors: ListWatchSelectors = {},
): ListerWatcher<Stored<T, S>> {
  const { labelSelector, fieldSelector } = selectors;
  return {
    list: (opts) => client.list(namespace, { ...opts, labelSelector, fieldSelector }),
    watch: (opts) => client.watch(namespace, { ...opts, labelSelector, fieldSelector }),
  };
}
