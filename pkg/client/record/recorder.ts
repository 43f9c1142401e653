/**
 * Event recorders: what controllers and the kubelet call to say something happened to an
 * object. A recorder only builds the core/v1 Event and hands it to its EventBroadcaster
 * (broadcaster.ts), which aggregates repeats into one Event's `count`, filters spam per object
 * and writes through a bounded queue with several writers (client-go's tools/record). Recording
 * never throws and never waits for the apiserver.
 */
import type { Logger } from 'pino';
import type { EventType } from '../../api/core/v1';
import type { KubeObject } from '../../api/meta';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { EventBroadcaster, type EventBroadcasterOptions } from './broadcaster';
import type { EventWriteClient } from './sink';
import { objectKey } from '../../api/keys';

/** Records events about objects. */
export interface EventRecorder {
  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void;
}

/**
 * A recorder with a broadcaster of its own (one component, one source): the convenience form
 * for tests and single-recorder processes. `flush()` resolves when everything recorded so far
 * has been written.
 */
export class ApiEventRecorder implements EventRecorder {
  readonly broadcaster: EventBroadcaster;
  private readonly recorder: EventRecorder;

  constructor(
    events: EventWriteClient,
    component: string,
    logger: Logger,
    host = '',
    opts: Partial<EventBroadcasterOptions> = {},
  ) {
    this.broadcaster = new EventBroadcaster({ ...opts, events, logger });
    this.recorder = this.broadcaster.newRecorder(component, host);
  }

  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    this.recorder.event(obj, type, reason, message);
  }

  /** Sends held-back counts and resolves when nothing is waiting or in flight. */
  flush(): Promise<void> {
    return this.broadcaster.flush();
  }
}

/** Records events in memory (unit tests assert on them). */
export class FakeRecorder implements EventRecorder {
  readonly events: { object: string; type: EventType; reason: string; message: string }[] = [];

  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    this.events.push({ object: objectKey(obj), type, reason, message });
  }
}
