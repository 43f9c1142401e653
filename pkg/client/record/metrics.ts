/**
 * What the event recorder did, on the /metrics of every component that records events
 * (controller-manager, kubelet). Drops and spam-filtered writes are counted, never silent.
 */
import { Counter, Gauge, Registry } from '../../metrics/registry';

/** Outcome of one API request the recorder made. */
export const EventWriteResult = { Success: 'success', Error: 'error' } as const;
export type EventWriteResult = (typeof EventWriteResult)[keyof typeof EventWriteResult];

/** Request verbs the recorder uses. */
export const EventWriteVerb = { Create: 'create', Get: 'get', Patch: 'patch' } as const;
export type EventWriteVerb = (typeof EventWriteVerb)[keyof typeof EventWriteVerb];

/** The recorder's counters and its queue-depth gauge. */
export class EventMetrics {
  /** Event writes dropped because the queue held `maxQueued` writes already. */
  readonly dropped: Counter;
  /** Event writes not sent because the object's spam-filter bucket was empty. */
  readonly filtered: Counter;
  /** Occurrences folded into a write that was already waiting (it carries the latest count). */
  readonly coalesced: Counter;
  /** Repeats held back until their series is refreshed. */
  readonly deferred: Counter;
  /** API requests by verb and result. */
  readonly requests: Counter;

  /** Registers on `registry` (a private one when omitted); `depth` is read at scrape time. */
  constructor(registry: Registry = new Registry(), depth: () => number = () => 0) {
    this.dropped = registry.register(
      new Counter('event_recorder_dropped_total', 'Event writes dropped because the event queue was full.'),
    );
    this.filtered = registry.register(
      new Counter(
        'event_recorder_filtered_total',
        'Event writes not sent because the involved object exceeded its spam-filter budget.',
      ),
    );
    this.coalesced = registry.register(
      new Counter(
        'event_recorder_coalesced_total',
        'Event occurrences folded into an event write that was already queued.',
      ),
    );
    this.deferred = registry.register(
      new Counter(
        'event_recorder_deferred_total',
        'Repeated event occurrences held back until their series is next refreshed.',
      ),
    );
    this.requests = registry.register(
      new Counter('event_recorder_requests_total', 'API requests of the event recorder by verb and result.'),
    );
    registry.register(
      new Gauge('event_recorder_queue_depth', 'Event writes waiting to be sent.', () => [[{}, depth()]]),
    );
  }

  /** Counts one request. */
  request(verb: EventWriteVerb, result: EventWriteResult): void {
    this.requests.inc({ verb, result });
  }
}
