/** Small adapters from informer events to work queue keys (handlers only enqueue). */
import type { KubeObject } from '../../api/meta';
import type { ResourceEventHandler } from '../../informer/event_handler';
import type { DeepReadonly } from '../immutable/deep_readonly';
import { deletionHandlingKey, unwrapTombstone } from '../../informer/tombstone';
import type { DeletedFinalStateUnknown } from '../../informer/tombstone';
import { objectKey } from '../../api/keys';

/** Something keys can be added to. */
export interface Enqueuer {
  add(key: string): void;
}

/** A handler that enqueues the object's own key on every add, update and delete. */
export function enqueueOwnKey<T extends KubeObject>(queue: Enqueuer): ResourceEventHandler<T> {
  return {
    onAdd: (obj) => queue.add(objectKey(obj)),
    onUpdate: (_old, obj) => queue.add(objectKey(obj)),
    onDelete: (obj) => queue.add(deletionHandlingKey(obj)),
  };
}

/** A handler that maps every changed object (old and new state) to keys of another queue. */
export function enqueueMapped<T extends KubeObject>(
  queue: Enqueuer,
  keys: (obj: DeepReadonly<T>) => string[],
): ResourceEventHandler<T> {
  const add = (obj: DeepReadonly<T>) => keys(obj).forEach((k) => queue.add(k));
  return {
    onAdd: add,
    onUpdate: (old, obj) => {
      add(old);
      add(obj);
    },
    onDelete: (obj: DeepReadonly<T> | DeletedFinalStateUnknown<T>) => add(unwrapTombstone(obj)),
  };
}
