/**
 * Event handlers and their dispatch. Handlers run synchronously, in registration order, after
 * the cache already reflects the change (a lister read inside a handler sees the new state).
 * They should only do cheap work (enqueue a key); an exception — or a rejected promise from an
 * async handler — is logged and never stops delivery to the other handlers or later events.
 */
import type { Logger } from 'pino';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import type { DeletedFinalStateUnknown } from './tombstone';

/**
 * Callbacks for changes of a cached collection. Objects are the cache's own (read-only; clone
 * before changing). onDelete gets a DeletedFinalStateUnknown when the deletion was not observed
 * directly but inferred by a relist (see unwrapTombstone / deletionHandlingKey).
 */
export interface ResourceEventHandler<T> {
  onAdd?(obj: DeepReadonly<T>): void | Promise<void>;
  onUpdate?(oldObj: DeepReadonly<T>, newObj: DeepReadonly<T>): void | Promise<void>;
  onDelete?(obj: DeepReadonly<T> | DeletedFinalStateUnknown<T>): void | Promise<void>;
}

/** One change to deliver. */
export type Notification<T> =
  | { type: 'add'; obj: DeepReadonly<T> }
  | { type: 'update'; oldObj: DeepReadonly<T>; newObj: DeepReadonly<T> }
  | { type: 'delete'; obj: DeepReadonly<T> | DeletedFinalStateUnknown<T> };

/** Handle of a registered handler. */
export interface HandlerRegistration {
  /** Stops delivery to this handler (idempotent). */
  remove(): void;
}

/** The set of handlers of one informer and the error-isolating delivery to them. */
export class HandlerSet<T> {
  private handlers: ResourceEventHandler<T>[] = [];

  constructor(private readonly log: Logger) {}

  /** Registers `h` for every later distribute(). */
  add(h: ResourceEventHandler<T>): HandlerRegistration {
    this.handlers = [...this.handlers, h];
    return {
      remove: () => {
        this.handlers = this.handlers.filter((x) => x !== h);
      },
    };
  }

  /** Number of registered handlers. */
  size(): number {
    return this.handlers.length;
  }

  /** Delivers `n` to every handler registered when the call starts. */
  distribute(n: Notification<T>): void {
    for (const h of this.handlers) this.deliver(h, n);
  }

  /** Delivers `n` to `h` alone; never throws. */
  deliver(h: ResourceEventHandler<T>, n: Notification<T>): void {
    try {
      let result: void | Promise<void>;
      if (n.type === 'add') result = h.onAdd?.(n.obj);
      else if (n.type === 'update') result = h.onUpdate?.(n.oldObj, n.newObj);
      else result = h.onDelete?.(n.obj);
      if (result instanceof Promise)
        result.catch((err: unknown) => this.log.error({ err, event: n.type }, 'event handler failed'));
    } catch (err) {
      this.log.error({ err, event: n.type }, 'event handler threw');
    }
  }
}
