/**
 * The event recorder: creates core/v1 Events about an object. Repeats of the same
 * (object, type, reason, message) within the aggregation window update the existing Event's
 * `count` and `lastTimestamp` instead of creating new ones, so a retry loop cannot flood etcd.
 * Recording never throws: failures are logged.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { NamespaceTerminatingCause, type Event, type EventType, type ObjectReference } from '../../api/core/v1';
import { hasStatusCause, isAlreadyExists, isNotFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { DeepReadonly } from '../../informer/readonly';
import type { ResourceClient } from '../resource_client';
import { rfc3339 } from '../../api/time';

/** Records events about objects. */
export interface EventRecorder {
  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void;
}

interface Seen {
  name: string;
  count: number;
  first: string;
}

/** Distinct events remembered for aggregation (oldest forgotten first). */
const maxRemembered = 4096;


/** Writes events through the apiserver, aggregating repeats. */
export class ApiEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: ResourceClient<Event>,
    private readonly component: string,
    private readonly log: Logger,
    private readonly host = '',
  ) {}

  /** Records asynchronously, in order. */
  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    this.chain = this.chain.then(() => this.write(obj, type, reason, message)).catch((err: unknown) => {
      // An object in a namespace being deleted cannot get new events: expected, as in client-go.
      const level = hasStatusCause(err, NamespaceTerminatingCause) ? 'debug' : 'warn';
      this.log[level]({ err: (err as Error).message, reason }, 'could not record event');
    });
  }

  /** Resolves when every event recorded so far has been written (tests). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): Promise<void> {
    const ref: ObjectReference = {
      kind: obj.kind ?? '',
      apiVersion: obj.apiVersion ?? 'v1',
      name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
      ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
    };
    const namespace = obj.metadata.namespace ?? 'default';
    const hash = createHash('sha1').update(`${ref.kind}/${namespace}/${ref.name}/${ref.uid ?? ''}/${type}/${reason}/${message}`).digest('hex').slice(0, 12);
    const now = rfc3339(new Date());
    const prev = this.seen.get(hash);
    if (prev) {
      prev.count++;
      try {
        await this.events.patch(prev.name, namespace, 'application/merge-patch+json', { count: prev.count, lastTimestamp: now });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const name = `${ref.name}.${hash}`;
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      type,
      reason,
      message,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host,
      firstTimestamp: prev?.first ?? now,
      lastTimestamp: now,
      count: prev?.count ?? 1,
    };
    try {
      await this.events.create(ev);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.events.get(name, namespace);
      ev.count = (existing.count ?? 1) + 1;
      await this.events.patch(name, namespace, 'application/merge-patch+json', { count: ev.count, lastTimestamp: now });
    }
    this.seen.set(hash, { name, count: ev.count ?? 1, first: ev.firstTimestamp ?? now });
    if (this.seen.size > maxRemembered) this.seen.delete(this.seen.keys().next().value ?? '');
  }
}

/** Records events in memory (unit tests assert on them). */
export class FakeRecorder implements EventRecorder {
  readonly events: { object: string; type: EventType; reason: string; message: string }[] = [];

  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : obj.metadata.name ?? '';
    this.events.push({ object: key, type, reason, message });
  }
}
