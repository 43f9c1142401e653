/**
 * The event recorder pipeline (pkg/client/record) on a FakeClock and a fake Event client:
 * series counting and refresh, the per-object spam filter, aggregation, coalescing, the bounded
 * queue with its drop counter, per-object ordering with concurrent writers, first occurrences
 * ahead of a backlog of repeats, retries, and restarts.
 */
import { expect } from 'chai';
import { EventType } from '../../../../pkg/api/core/v1';
import type { KubeObject } from '../../../../pkg/api/meta';
import { EventBroadcaster, type EventBroadcasterOptions } from '../../../../pkg/client/record/broadcaster';
import { combinedMessagePrefix, eventName } from '../../../../pkg/client/record/correlator';
import { SpamFilter } from '../../../../pkg/client/record/spam_filter';
import { silentLogger } from '../../../../pkg/log/logger';
import { Registry } from '../../../../pkg/metrics/registry';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { FakeEventClient } from './fake_event_client';

/** Lets every pending promise callback and immediate run (not a timed sleep). */
async function settle(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const t0 = Date.parse('2026-01-01T00:00:00Z');
const minute = 60_000;

function claim(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '7' },
  };
}

function setup(o: Partial<EventBroadcasterOptions> = {}) {
  const clock = new FakeClock(t0);
  const client = new FakeEventClient();
  const registry = new Registry();
  const b = new EventBroadcaster({ events: client, logger: silentLogger(), clock, registry, repeatJitter: 0, ...o });
  const rec = b.newRecorder('persistentvolume-controller', 'host-1');
  /** The value of one sample on the rendered /metrics page. */
  const metric = (line: string): number => {
    const m = new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(registry.render());
    return m ? Number(m[1]) : NaN;
  };
  return { clock, client, registry, b, rec, metric };
}

const notFound = 'storageclass.storage.k8s.io "missing" not found';

describe('client/record: event broadcaster', () => {
  it('an object with a 253-character name gets Events named as a valid DNS subdomain (cut, not refused)', async () => {
    const { client, rec } = setup();
    const long = `${'a'.repeat(239)}.b-${'c'.repeat(11)}`;
    expect(long.length).to.equal(253);
    rec.event(claim(long), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    const [created] = client.eventsAbout(long);
    const name = created?.metadata?.name ?? '';
    expect(name.length).to.be.at.most(253);
    expect(name).to.match(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    expect(name).not.to.include('..');
    expect(created?.involvedObject.name).to.equal(long);
    expect(eventName('short', 'abc')).to.equal('short.abc');
  });

  it('a repeat is held back and the series refresh (5 min after the last write) carries the latest count and lastTimestamp', async () => {
    const { clock, client, rec, metric } = setup();
    rec.event(claim('a'), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    expect(client.calls.map((c) => c.verb)).to.deep.equal(['create']);
    const [created] = client.eventsAbout('a');
    expect(created).to.deep.include({
      type: 'Warning',
      reason: 'ProvisioningFailed',
      message: notFound,
      count: 1,
      firstTimestamp: '2026-01-01T00:00:00Z',
    });
    expect(created?.source).to.deep.equal({ component: 'persistentvolume-controller', host: 'host-1' });
    expect(created?.involvedObject).to.deep.include({
      kind: 'PersistentVolumeClaim',
      name: 'a',
      namespace: 'ns',
      uid: 'uid-a',
    });
    for (let i = 0; i < 3; i++) {
      clock.step(15_000);
      rec.event(claim('a'), EventType.Warning, 'ProvisioningFailed', notFound);
    }
    await settle();
    expect(client.calls, 'no write inside the refresh interval').to.have.length(1);
    expect(metric('event_recorder_deferred_total')).to.equal(3);
    clock.step(5 * minute - 45_000 - 1);
    await settle();
    expect(client.calls).to.have.length(1);
    clock.step(1);
    await settle();
    expect(client.calls.map((c) => c.verb)).to.deep.equal(['create', 'patch']);
    expect(client.eventsAbout('a')).to.have.length(1);
    expect(client.eventsAbout('a')[0]).to.deep.include({
      count: 4,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:45Z',
    });
  });

  it('a 15 s resync re-reporting 100 objects for 3 hours costs one create and one patch per object per 5 minutes, not one write per resync', async () => {
    const { clock, client, rec } = setup();
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const steps = (3 * 60 * minute) / 15_000;
    for (let s = 0; s <= steps; s++) {
      for (const n of names) rec.event(claim(n), EventType.Warning, 'ProvisioningFailed', notFound);
      await settle(2);
      clock.step(15_000);
    }
    await settle();
    const perObject = (n: string) => client.calls.filter((c) => c.object === n).length;
    // 721 occurrences each; 1 create + 36 refreshes (one per 5 min over 3 h).
    for (const n of names) expect(perObject(n), n).to.be.within(36, 37);
    expect(client.calls.filter((c) => c.verb === 'create')).to.have.length(100);
    expect(client.eventsAbout('c7')[0]?.count).to.be.within(715, 721);
  });

  it('refreshes of series created together are spread over 5–6 minutes (per-series jitter), not sent in one burst', async () => {
    const { clock, client, rec } = setup({ repeatJitter: 0.2 });
    const names = Array.from({ length: 300 }, (_, i) => `j${i}`);
    for (const n of names) rec.event(claim(n), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    for (const n of names) rec.event(claim(n), EventType.Warning, 'ProvisioningFailed', notFound);
    const patches = () => client.calls.filter((c) => c.verb === 'patch').length;
    const seen: number[] = [];
    for (let s = 0; s <= 6; s++) {
      clock.setTime(t0 + 5 * minute + s * 10_000);
      await settle();
      seen.push(patches());
    }
    expect(seen[0], 'few at exactly 5 min').to.be.below(30);
    expect(seen[3], 'about half by 5.5 min').to.be.within(90, 210);
    expect(seen[6], 'all by 6 min').to.equal(300);
  });

  it('the spam filter: 25 writes about one object at once, then one per 5 minutes; other objects have their own budget', async () => {
    const { clock, client, rec, metric } = setup();
    for (let i = 0; i < 30; i++) rec.event(claim('noisy'), EventType.Normal, `Reason${i}`, 'm');
    rec.event(claim('quiet'), EventType.Normal, 'Reason0', 'm');
    await settle();
    expect(client.eventsAbout('noisy')).to.have.length(25);
    expect(client.eventsAbout('quiet')).to.have.length(1);
    expect(metric('event_recorder_filtered_total')).to.equal(5);
    clock.step(5 * minute);
    await settle();
    expect(client.eventsAbout('noisy'), 'one token refilled after 5 minutes').to.have.length(26);
    clock.step(20 * minute);
    await settle();
    expect(client.eventsAbout('noisy'), 'the rest, one per 5 minutes').to.have.length(30);
  });

  it('SpamFilter alone: a bucket of 25 per source+object refills at 1 per 5 minutes and never above 25', () => {
    const clock = new FakeClock(t0);
    const f = new SpamFilter({ clock });
    const ev = (name: string, component = 'c') => ({
      metadata: {},
      involvedObject: { kind: 'Pod', name, namespace: 'ns' },
      source: { component },
    });
    const take = (n: number, name: string, component?: string) =>
      Array.from({ length: n }, () => f.allow(ev(name, component))).filter(Boolean).length;
    expect(take(30, 'p')).to.equal(25);
    expect(take(1, 'p', 'other-component'), 'another source has its own bucket').to.equal(1);
    clock.step(10 * minute);
    expect(take(5, 'p')).to.equal(2);
    clock.step(24 * 60 * minute);
    expect(take(30, 'p')).to.equal(25);
  });

  it('aggregation: from the 10th distinct message of one reason within 10 minutes, the messages combine into one Event', async () => {
    const { clock, client, rec } = setup();
    for (let i = 1; i <= 12; i++) rec.event(claim('agg'), EventType.Warning, 'FailedMount', `attempt ${i}`);
    await settle();
    const evs = client.eventsAbout('agg');
    expect(evs).to.have.length(10);
    const combined = evs.find((e) => e.message?.startsWith(combinedMessagePrefix));
    expect(combined?.message).to.equal(`${combinedMessagePrefix}attempt 12`);
    expect(combined?.count).to.equal(3);
    clock.step(11 * minute);
    rec.event(claim('agg'), EventType.Warning, 'FailedMount', 'after the window');
    await settle();
    expect(client.eventsAbout('agg').map((e) => e.message)).to.include('after the window');
  });

  it('coalescing: occurrences while a write of the series waits ride on it (one create with the latest count)', async () => {
    const { client, rec, metric } = setup({ workers: 1 });
    client.hold = true;
    rec.event(claim('busy'), EventType.Normal, 'R', 'm');
    for (let i = 0; i < 5; i++) rec.event(claim('b'), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    expect(client.parkedCount).to.equal(1);
    client.releaseAll();
    await settle();
    expect(client.calls.map((c) => `${c.verb} ${c.object}`)).to.deep.equal(['create busy', 'create b']);
    expect(client.eventsAbout('b')[0]?.count).to.equal(5);
    expect(metric('event_recorder_coalesced_total')).to.equal(4);
  });

  it('bounded: beyond maxQueued waiting writes the queue drops them and counts it on /metrics; the dropped series are written as soon as there is room', async () => {
    const { client, rec, b, metric, registry } = setup({ workers: 2, maxQueued: 5 });
    client.hold = true;
    for (let i = 0; i < 10; i++) rec.event(claim(`q${i}`), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    expect(client.parkedCount).to.equal(2);
    expect(metric('event_recorder_dropped_total')).to.equal(3);
    expect(metric('event_recorder_queue_depth')).to.equal(5);
    expect(registry.render()).to.contain('# TYPE event_recorder_dropped_total counter');
    expect(b.overflowSize).to.equal(3);
    rec.event(claim('q9'), EventType.Warning, 'ProvisioningFailed', notFound);
    expect(metric('event_recorder_dropped_total'), 'a dropped series is counted once').to.equal(3);
    expect(metric('event_recorder_queue_depth'), 'never above maxQueued').to.equal(5);
    client.release();
    await settle();
    expect(metric('event_recorder_queue_depth'), 'room was refilled from the dropped series').to.equal(5);
    expect(b.overflowSize).to.equal(2);
    client.releaseAll();
    await settle();
    expect(client.store.size).to.equal(10);
    expect(client.eventsAbout('q9')[0]?.count, 'both occurrences counted').to.equal(2);
  });

  it('writes about one object go one at a time and in order, while other objects are written concurrently', async () => {
    const { client, rec } = setup({ workers: 4 });
    client.hold = true;
    for (let i = 1; i <= 5; i++) rec.event(claim('ordered'), EventType.Normal, `Step${i}`, 'm');
    for (const n of ['x', 'y', 'z']) rec.event(claim(n), EventType.Normal, 'Other', 'm');
    await settle();
    expect(client.parkedCount, 'one write of "ordered" and one of each other object').to.equal(4);
    while (client.parkedCount > 0) {
      client.release();
      await settle();
    }
    expect(client.maxInFlightPerObject).to.equal(1);
    expect(client.maxInFlight).to.equal(4);
    const order = client.calls.filter((c) => c.object === 'ordered').map((c) => (c.body as { reason: string }).reason);
    expect(order).to.deep.equal(['Step1', 'Step2', 'Step3', 'Step4', 'Step5']);
  });

  it("a new object's first event is sent before a backlog of 500 other objects' count refreshes", async () => {
    const { clock, client, rec } = setup({ workers: 4 });
    const names = Array.from({ length: 500 }, (_, i) => `old${i}`);
    for (const n of names) rec.event(claim(n), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    for (const n of names) rec.event(claim(n), EventType.Warning, 'ProvisioningFailed', notFound);
    client.hold = true;
    clock.step(5 * minute);
    await settle();
    expect(client.parkedCount, 'the refresh backlog is in flight').to.equal(4);
    const before = client.calls.length;
    rec.event(claim('new'), EventType.Warning, 'ProvisioningFailed', notFound);
    client.release();
    await settle();
    const at = client.calls.findIndex((c) => c.verb === 'create' && c.object === 'new');
    expect(at, "the next request started is the new claim's create").to.equal(before);
    client.releaseAll();
    await settle();
    expect(client.calls.filter((c) => c.verb === 'patch')).to.have.length(500);
  });

  it('transient failures are retried with backoff on the clock; recording never throws, even for a malformed object', async () => {
    const { clock, client, rec } = setup();
    client.failNext = 2;
    rec.event(claim('retry'), EventType.Normal, 'R', 'm');
    await settle();
    expect(client.store.size).to.equal(0);
    clock.step(1000);
    await settle();
    expect(client.store.size).to.equal(0);
    clock.step(2000);
    await settle();
    expect(client.eventsAbout('retry')).to.have.length(1);
    expect(() =>
      rec.event({ metadata: undefined } as unknown as KubeObject, EventType.Normal, 'R', 'm'),
    ).not.to.throw();
  });

  it('a restarted process continues the count of an Event already stored; a deleted Event is recreated with the count continuing', async () => {
    const first = setup();
    first.rec.event(claim('r'), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    const stored = first.client.eventsAbout('r')[0];
    if (!stored) throw new Error('no event');
    stored.count = 5;
    const second = setup();
    for (const [k, v] of first.client.store) second.client.store.set(k, v);
    second.rec.event(claim('r'), EventType.Warning, 'ProvisioningFailed', notFound);
    await settle();
    expect(second.client.calls.map((c) => c.verb)).to.deep.equal(['create', 'get', 'patch']);
    expect(second.client.eventsAbout('r')[0]?.count).to.equal(6);
    second.client.store.clear();
    second.rec.event(claim('r'), EventType.Warning, 'ProvisioningFailed', notFound);
    await second.b.flush();
    expect(second.client.eventsAbout('r')[0]?.count).to.equal(7);
  });
});
