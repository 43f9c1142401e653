/**
 * The event recorder as the controller-manager binary wires it (real etcd, apiserver and
 * controller-manager child processes): its counters are on the controller-manager's /metrics,
 * and a claim re-synced again and again is not re-written (the repeats are held for the series
 * refresh), while its first event appears at once.
 */
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { PatchType } from '../../../pkg/client/resource_client';
import { freePort, TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { claim } from '../controller/helpers';

const ns = 'default';
const missing = 'recorder-missing-class';

/** Samples of one metric family on a /metrics page: label text → value. */
async function metric(url: string, name: string): Promise<Map<string, number>> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (m && m[1] === name) out.set(m[2] ?? '', Number(m[3]));
  }
  return out;
}

const sum = (m: Map<string, number>, filter = ''): number =>
  [...m].filter(([k]) => k.includes(filter)).reduce((a, [, v]) => a + v, 0);

describe('client: event recorder wired into the controller-manager binary', function () {
  this.timeout(90_000);
  let cluster: TestCluster;
  let client: Clientset;
  let cmUrl = '';

  before(async () => {
    const port = await freePort();
    cmUrl = `http://127.0.0.1:${port}`;
    cluster = new TestCluster({ controllerManager: false, kubelet: false });
    await cluster.up();
    cluster.startControllerManager('kube-controller-manager', [`--port=${port}`]);
    client = new Clientset({ ...cluster.clientConfig(), qps: 0 });
    await waitFor(
      async () =>
        fetch(`${cmUrl}/healthz`)
          .then((r) => r.ok)
          .catch(() => false),
      30_000,
      `controller-manager /healthz\n${cluster.logTail('kube-controller-manager')}`,
    );
  });

  after(async () => {
    client?.close();
    await cluster?.down();
    if (cluster) rmSync(cluster.dir, { recursive: true, force: true });
  });

  it('serves event_recorder_* on /metrics; a claim re-synced 5 times keeps ONE Event written once, the repeats held back', async () => {
    const page = await fetch(`${cmUrl}/metrics`).then((r) => r.text());
    for (const family of [
      'event_recorder_dropped_total',
      'event_recorder_filtered_total',
      'event_recorder_requests_total',
      'event_recorder_queue_depth',
    ]) {
      expect(page).to.contain(`# TYPE ${family} `);
    }
    await client.persistentVolumeClaims.create(claim(ns, 'resynced', { className: missing }));
    await waitFor(
      async () =>
        (await client.events.list(ns)).items.some(
          (e) => e.involvedObject.name === 'resynced' && e.reason === 'ProvisioningFailed',
        ),
      20_000,
      'ProvisioningFailed event',
    );
    // The counter goes up when the create's response arrives, just after the event is stored.
    let createsBefore = 0;
    await waitFor(
      async () => {
        createsBefore = sum(await metric(cmUrl, 'event_recorder_requests_total'), 'verb="create"');
        return createsBefore >= 1;
      },
      20_000,
      'the event create to be counted',
    );

    // Every update of an Available PV of the class re-syncs the class's Pending claims.
    const decoy: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'recorder-decoy' },
      spec: {
        capacity: { storage: '1Mi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: missing,
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: `${cluster.dir}/decoy` },
      },
    };
    await client.persistentVolumes.create(decoy);
    for (let i = 0; i < 5; i++) {
      const deferredBefore = sum(await metric(cmUrl, 'event_recorder_deferred_total'));
      await client.persistentVolumes.patch('recorder-decoy', undefined, PatchType.Merge, {
        metadata: { labels: { tick: String(i) } },
      });
      await waitFor(
        async () => sum(await metric(cmUrl, 'event_recorder_deferred_total')) > deferredBefore,
        20_000,
        `re-sync ${i} held back`,
      );
    }
    const requests = await metric(cmUrl, 'event_recorder_requests_total');
    expect(sum(requests, 'verb="create"'), 'no new create').to.equal(createsBefore);
    expect(sum(requests, 'verb="patch"'), 'no count patch inside the refresh interval').to.equal(0);
    const evs = (await client.events.list(ns)).items.filter((e) => e.involvedObject.name === 'resynced');
    expect(evs).to.have.length(1);
    expect(evs[0]?.count).to.equal(1);
  });
});
