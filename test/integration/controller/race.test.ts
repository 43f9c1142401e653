/**
 * 200 claims racing for 100 PVs with TWO controller-managers (no leader election) on one
 * apiserver: exactly 100 claims bind, never two claims to one PV, never a claim Bound to a PV
 * whose claimRef names another claim. The claims' class "manual" has no StorageClass, so the
 * other 100 cannot be provisioned and stay Pending (ProvisioningFailed).
 */
import { expect } from 'chai';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathVolume,
  type InProcessControllerManager,
  pool,
  startControllerManager,
  waitEvent,
  waitUntil,
  waitBuiltInClasses,
} from './helpers';

const PVS = 100;
const CLAIMS = 200;

/** Safety invariants that must hold at every instant; returns a description of each breach. */
function breaches(pvs: PersistentVolume[], claims: PersistentVolumeClaim[]): string[] {
  const out: string[] = [];
  const byVolume = new Map<string, string[]>();
  for (const c of claims) {
    const v = c.spec.volumeName;
    if (v) byVolume.set(v, [...(byVolume.get(v) ?? []), c.metadata.name ?? '']);
  }
  for (const [v, names] of byVolume) if (names.length > 1) out.push(`PV ${v} is named by claims ${names.join(', ')}`);
  const pvByName = new Map(pvs.map((v) => [v.metadata.name ?? '', v]));
  for (const c of claims) {
    if (c.status?.phase !== 'Bound') continue;
    const v = pvByName.get(c.spec.volumeName ?? '');
    if (!v) out.push(`claim ${c.metadata.name ?? ''} is Bound to missing PV ${c.spec.volumeName ?? ''}`);
    else if (v.spec.claimRef?.uid !== c.metadata.uid)
      out.push(
        `claim ${c.metadata.name ?? ''} is Bound to PV ${v.metadata.name ?? ''} whose claimRef names ${v.spec.claimRef?.name ?? 'nothing'}`,
      );
  }
  return out;
}

describe('controller-manager: 200 claims race for 100 PVs with two controller-managers (no leader election)', function () {
  this.timeout(90_000);
  const ns = 'race';
  let api: TestApiServer;
  let client: Clientset;
  const cms: InProcessControllerManager[] = [];

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cms.push(
      startControllerManager({ url: api.url, identity: 'kcm-one' }),
      startControllerManager({ url: api.url, identity: 'kcm-two' }),
    );
    await waitBuiltInClasses(client);
  });

  after(async () => {
    await Promise.all(cms.map((c) => c.stop()));
    client?.close();
    await api?.stop();
  });

  it('exactly 100 bind, each PV to one claim, the other 100 stay Pending', async () => {
    await pool(PVS, 20, (i) =>
      client.persistentVolumes.create(hostPathVolume(`race-pv-${String(i).padStart(3, '0')}`, { className: 'manual' })),
    );
    await waitUntil(
      async () =>
        (await client.persistentVolumes.list()).items.filter((v) => v.status?.phase === 'Available').length === PVS,
      20_000,
      'all PVs Available',
    );
    await pool(CLAIMS, 40, (i) =>
      client.persistentVolumeClaims.create(
        claim(ns, `race-claim-${String(i).padStart(3, '0')}`, { className: 'manual' }),
      ),
    );

    const seen: string[] = [];
    let pvs: PersistentVolume[] = [];
    let claims: PersistentVolumeClaim[] = [];
    await waitUntil(
      async (note) => {
        [pvs, claims] = await Promise.all([
          client.persistentVolumes.list().then((l) => l.items),
          client.persistentVolumeClaims.list(ns).then((l) => l.items),
        ]);
        seen.push(...breaches(pvs, claims));
        const boundClaims = claims.filter((c) => c.status?.phase === 'Bound').length;
        const boundPvs = pvs.filter((v) => v.status?.phase === 'Bound').length;
        note(`${boundClaims} claims and ${boundPvs} PVs Bound`);
        return seen.length > 0 || (boundClaims === PVS && boundPvs === PVS);
      },
      60_000,
      '100 claims and 100 PVs Bound',
      100,
    );
    expect(seen, 'safety breaches observed while racing').to.deep.equal([]);

    expect(pvs).to.have.length(PVS);
    const claimUids = new Set(claims.map((c) => c.metadata.uid));
    const refs = pvs.map((v) => v.spec.claimRef?.uid ?? '');
    expect(new Set(refs).size, 'every PV names a different claim').to.equal(PVS);
    for (const uid of refs) expect(claimUids.has(uid), `claimRef ${uid} is a live claim`).to.equal(true);
    const bound = claims.filter((c) => c.spec.volumeName);
    expect(bound, 'claims with a volumeName').to.have.length(PVS);
    expect(new Set(bound.map((c) => c.spec.volumeName)).size).to.equal(PVS);
    const pending = claims.filter((c) => !c.spec.volumeName);
    expect(pending).to.have.length(CLAIMS - PVS);
    for (const c of pending) expect(c.status?.phase, `claim ${c.metadata.name ?? ''}`).to.equal('Pending');
    // Nothing was provisioned for the losers (their class has no provisioner) ...
    expect((await client.persistentVolumes.list()).items).to.have.length(PVS);
    // ... and they say why.
    const loser = pending[0]?.metadata.name ?? '';
    const ev = await waitEvent(client, ns, loser, 'ProvisioningFailed');
    expect(ev.message ?? '').to.match(/"manual" not found/);
  });
});
