/**
 * The recorder a broadcaster hands out: stamps an Event (source, involved object, clock time)
 * and passes it to the broadcaster, synchronously and without I/O.
 */
import type { Event, EventType, ObjectReference } from '../../api/core/v1';
import type { KubeObject } from '../../api/meta';
import { rfc3339 } from '../../api/time';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { Clock } from '../../util/clock/clock';
import type { EventRecorder } from './recorder';
import { eventNamespace } from '../../api/keys';

/** Where a recorder's Events go (the broadcaster). */
export interface EventAction {
  action(ev: Event): void;
  /** Hears about an Event that could not even be built (logged, never thrown). */
  failed(err: unknown, reason: string): void;
}

/** The reference an Event keeps to the object it is about. */
export function objectReference(obj: DeepReadonly<KubeObject>): ObjectReference {
  return {
    kind: obj.kind ?? '',
    apiVersion: obj.apiVersion ?? 'v1',
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  };
}

/** Options of one recorder made by a broadcaster. */
export interface RecorderSource {
  /** source.component / reportingComponent, e.g. "persistentvolume-controller". */
  component: string;
  /** source.host / reportingInstance (default ""). */
  host?: string;
  clock: Clock;
}

/** A recorder feeding a broadcaster. */
export class BroadcastRecorder implements EventRecorder {
  constructor(
    private readonly broadcaster: EventAction,
    private readonly source: RecorderSource,
  ) {}

  /** Builds the Event and hands it over; returns at once and never throws. */
  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    try {
      this.broadcaster.action(this.build(obj, type, reason, message));
    } catch (err) {
      this.broadcaster.failed(err, reason);
    }
  }

  private build(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): Event {
    const now = rfc3339(new Date(this.source.clock.now()));
    const host = this.source.host ?? '';
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: eventNamespace(obj.metadata.namespace) },
      involvedObject: objectReference(obj),
      type,
      reason,
      message,
      source: { component: this.source.component, ...(host ? { host } : {}) },
      reportingComponent: this.source.component,
      reportingInstance: host,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    return ev;
  }
}
