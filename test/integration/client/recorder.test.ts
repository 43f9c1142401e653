/** The event recorder against a real apiserver: repeats aggregate into one Event's count. */
import { expect } from 'chai';
import pino from 'pino';
import type { Event, PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { EventType } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { ApiEventRecorder } from '../../../pkg/client/record/recorder';
import { silentLogger } from '../../../pkg/log/logger';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { pvc } from '../informer/harness';

const ns = 'recorder-it';

describe('client: event recorder against a real apiserver', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  let cs: Clientset;
  let claim: PersistentVolumeClaim;

  before(async () => {
    api = await startApiServer();
    cs = new Clientset({ server: api.url, qps: 0 });
    await cs.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    claim = await cs.persistentVolumeClaims.create(pvc(ns, 'subject'));
  });
  after(async () => {
    cs?.close();
    await api?.stop();
  });

  async function eventsAbout(name: string): Promise<Event[]> {
    return (await cs.events.list(ns)).items.filter((e) => e.involvedObject.name === name);
  }

  it('the same event recorded 5× is ONE Event with count 5, first ≤ last timestamp, involvedObject naming the object', async () => {
    const rec = new ApiEventRecorder(cs.events, 'test-controller', silentLogger(), 'host-1');
    for (let i = 0; i < 5; i++)
      rec.event(claim, EventType.Warning, 'ProvisioningFailed', 'storage class "x" not found');
    await rec.flush();
    const evs = await eventsAbout('subject');
    expect(evs).to.have.length(1);
    const ev = evs[0];
    expect(ev?.count).to.equal(5);
    expect(ev?.type).to.equal('Warning');
    expect(ev?.reason).to.equal('ProvisioningFailed');
    expect(ev?.message).to.equal('storage class "x" not found');
    expect(ev?.source).to.deep.equal({ component: 'test-controller', host: 'host-1' });
    expect(ev?.involvedObject).to.deep.include({
      kind: 'PersistentVolumeClaim',
      name: 'subject',
      namespace: ns,
      uid: claim.metadata.uid,
    });
    expect(Date.parse(ev?.firstTimestamp ?? '')).to.be.at.most(Date.parse(ev?.lastTimestamp ?? ''));
  });

  it('a different reason or message is a separate Event; other objects get their own', async () => {
    const other = await cs.persistentVolumeClaims.create(pvc(ns, 'other'));
    const rec = new ApiEventRecorder(cs.events, 'test-controller', silentLogger());
    rec.event(other, EventType.Normal, 'Provisioning', 'a');
    rec.event(other, EventType.Normal, 'Provisioning', 'b');
    rec.event(other, EventType.Normal, 'ProvisioningSucceeded', 'a');
    rec.event(other, EventType.Normal, 'Provisioning', 'a');
    await rec.flush();
    const evs = await eventsAbout('other');
    expect(evs.map((e) => `${e.reason ?? ''}/${e.message ?? ''}=${e.count ?? 0}`).sort()).to.deep.equal([
      'Provisioning/a=2',
      'Provisioning/b=1',
      'ProvisioningSucceeded/a=1',
    ]);
  });

  it('a fresh recorder (a restarted process) keeps counting on the existing Event instead of creating another', async () => {
    const rec = new ApiEventRecorder(cs.events, 'test-controller', silentLogger(), 'host-1');
    rec.event(claim, EventType.Warning, 'ProvisioningFailed', 'storage class "x" not found');
    rec.event(claim, EventType.Warning, 'ProvisioningFailed', 'storage class "x" not found');
    await rec.flush();
    const evs = await eventsAbout('subject');
    expect(evs).to.have.length(1);
    expect(evs[0]?.count).to.equal(7);
  });

  it('the Event is recreated (count continuing) if it was deleted meanwhile; recording never throws', async () => {
    const rec = new ApiEventRecorder(cs.events, 'test-controller', silentLogger());
    const target = await cs.persistentVolumeClaims.create(pvc(ns, 'third'));
    rec.event(target, EventType.Normal, 'R', 'm');
    await rec.flush();
    const [first] = await eventsAbout('third');
    await cs.events.delete(first?.metadata.name ?? '', ns);
    rec.event(target, EventType.Normal, 'R', 'm');
    await rec.flush();
    const evs = await eventsAbout('third');
    expect(evs).to.have.length(1);
    expect(evs[0]?.count).to.equal(2);
  });

  it('an object in a namespace being deleted gets no Event, and the refusal is logged at debug, not as a warning', async () => {
    await cs.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'recorder-ending' } });
    const target = await cs.persistentVolumeClaims.create(pvc('recorder-ending', 'late'));
    await cs.namespaces.delete('recorder-ending'); // no namespace controller here: it stays Terminating
    const logged: { level: number; msg: string }[] = [];
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => logged.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    const rec = new ApiEventRecorder(cs.events, 'test-controller', log);
    rec.event(target, EventType.Normal, 'Late', 'm');
    await rec.flush();
    expect((await cs.events.list('recorder-ending')).items).to.deep.equal([]);
    expect(logged.map((l) => [pino.levels.labels[l.level], l.msg])).to.deep.equal([
      ['debug', 'could not record event'],
    ]);
  });
});
