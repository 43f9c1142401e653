/**
 * A fake Event client for the recorder's unit tests: an in-memory store, a log of every request,
 * and a switch that holds requests until the test releases them (to build backlogs on purpose).
 */
import type { Event } from '../../../../pkg/api/core/v1';
import { alreadyExists, notFound, serviceUnavailable } from '../../../../pkg/api/errors';
import type { PatchType } from '../../../../pkg/client/resource_client';
import type { EventWriteClient } from '../../../../pkg/client/record/sink';

/** One request the recorder made. */
export interface FakeCall {
  verb: 'create' | 'get' | 'patch';
  name: string;
  /** The involved object's name (from the stored or sent Event). */
  object: string;
  body: unknown;
  done: boolean;
}

const q = { resource: 'events' };

/** Events in memory; `hold = true` parks requests until release()/releaseAll(). */
export class FakeEventClient implements EventWriteClient {
  readonly store = new Map<string, Event>();
  readonly calls: FakeCall[] = [];
  hold = false;
  /** Requests still to fail with 503 before the store answers. */
  failNext = 0;
  private parked: (() => void)[] = [];
  private inFlightByObject = new Map<string, number>();
  /** Largest number of requests in flight at once, overall and for one object. */
  maxInFlight = 0;
  maxInFlightPerObject = 0;
  private inFlight = 0;

  create(ev: Event): Promise<Event> {
    const name = ev.metadata.name ?? '';
    return this.call({ verb: 'create', name, object: ev.involvedObject.name ?? '', body: ev, done: false }, () => {
      if (this.store.has(name)) throw alreadyExists(q, name);
      const stored = structuredClone(ev);
      this.store.set(name, stored);
      return stored;
    });
  }

  get(name: string): Promise<Event> {
    return this.call(
      { verb: 'get', name, object: this.store.get(name)?.involvedObject.name ?? '', body: undefined, done: false },
      () => {
        const ev = this.store.get(name);
        if (!ev) throw notFound(q, name);
        return structuredClone(ev);
      },
    );
  }

  patch(name: string, _ns: string | undefined, _type: PatchType, patch: unknown): Promise<Event> {
    return this.call(
      { verb: 'patch', name, object: this.store.get(name)?.involvedObject.name ?? '', body: patch, done: false },
      () => {
        const ev = this.store.get(name);
        if (!ev) throw notFound(q, name);
        Object.assign(ev, patch);
        return structuredClone(ev);
      },
    );
  }

  /** Lets the oldest parked request proceed; false when none is parked. */
  release(): boolean {
    const next = this.parked.shift();
    next?.();
    return next !== undefined;
  }

  /** Lets every parked request proceed (and any parked meanwhile, until none is left). */
  releaseAll(): void {
    this.hold = false;
    while (this.release());
  }

  /** Requests parked now. */
  get parkedCount(): number {
    return this.parked.length;
  }

  /** Events about one object, by reason. */
  eventsAbout(object: string): Event[] {
    return [...this.store.values()].filter((e) => e.involvedObject.name === object);
  }

  private call(c: FakeCall, apply: () => Event): Promise<Event> {
    this.calls.push(c);
    this.inFlight++;
    const perObject = (this.inFlightByObject.get(c.object) ?? 0) + 1;
    this.inFlightByObject.set(c.object, perObject);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.maxInFlightPerObject = Math.max(this.maxInFlightPerObject, perObject);
    const finish = (): void => {
      c.done = true;
      this.inFlight--;
      this.inFlightByObject.set(c.object, (this.inFlightByObject.get(c.object) ?? 1) - 1);
    };
    const answer = (): Event => {
      finish();
      if (this.failNext > 0) {
        this.failNext--;
        throw serviceUnavailable('etcd is down');
      }
      return apply();
    };
    if (!this.hold) return Promise.resolve().then(answer);
    return new Promise<Event>((resolve, reject) => {
      this.parked.push(() => {
        try {
          resolve(answer());
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }
}
