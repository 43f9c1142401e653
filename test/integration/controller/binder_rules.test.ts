/**
 * Kubernetes' binder rules where the seed is silent, tried as a user would against a real
 * apiserver + etcd with an in-process controller-manager: no binding across volume modes, a
 * named PV must fit (capacity), a claim that only looks bound is Lost, a user's claimRef to a
 * claim bound elsewhere is loosened, provisioned PVs are bound-by-controller.
 */
import { expect } from 'chai';
import type { Clientset } from '../../../pkg/client/clientset';
import {
  claim,
  hostPathVolume,
  waitClaimPhase,
  waitEvent,
  waitUntil,
  type ControllerFixture,
  startControllerFixture,
} from './helpers';

const BoundBy = 'pv.kubernetes.io/bound-by-controller';
const Completed = 'pv.kubernetes.io/bind-completed';

describe('controller-manager (in-process): binder rules from Kubernetes (volumeMode, fit, Lost, claimRef)', function () {
  this.timeout(60_000);
  const ns = 'binder';
  let client: Clientset;
  let tmp: string;
  let fx: ControllerFixture | undefined;

  before(async () => {
    fx = await startControllerFixture(ns, 'binder');
    ({ client, tmp } = fx);
  });

  after(async () => {
    await fx?.stop();
  });

  it('a Filesystem claim naming a Block PV stays Pending with a VolumeMismatch warning; the PV stays Available', async () => {
    const block = hostPathVolume('binder-block', { dir: tmp, size: '1Gi' });
    block.spec.volumeMode = 'Block';
    await client.persistentVolumes.create(block);
    await client.persistentVolumeClaims.create(claim(ns, 'fs-wants-block', { volumeName: 'binder-block' }));
    const ev = await waitEvent(client, ns, 'fs-wants-block', 'VolumeMismatch');
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.match(/Cannot bind to requested volume "binder-block": incompatible volumeMode/);
    const c = await client.persistentVolumeClaims.get('fs-wants-block', ns);
    expect(c.status?.phase).to.equal('Pending');
    const pv = await client.persistentVolumes.get('binder-block');
    expect(pv.spec.claimRef).to.equal(undefined);
    expect(pv.status?.phase).to.equal('Available');
  });

  it('a claim naming a PV smaller than its request stays Pending (VolumeMismatch) and binds once the PV is grown', async () => {
    await client.persistentVolumes.create(hostPathVolume('binder-small', { dir: tmp, size: '1Gi' }));
    await client.persistentVolumeClaims.create(claim(ns, 'wants-2gi', { volumeName: 'binder-small', size: '2Gi' }));
    const ev = await waitEvent(client, ns, 'wants-2gi', 'VolumeMismatch');
    expect(ev.message).to.match(/requested PV is too small/);
    expect((await client.persistentVolumeClaims.get('wants-2gi', ns)).status?.phase).to.equal('Pending');
    const pv = await client.persistentVolumes.get('binder-small');
    await client.persistentVolumes.update({ ...pv, spec: { ...pv.spec, capacity: { storage: '2Gi' } } });
    const bound = await waitClaimPhase(client, ns, 'wants-2gi', 'Bound');
    expect(bound.spec.volumeName).to.equal('binder-small');
  });

  it('a claim created with bind-completed but no volumeName is Lost (ClaimLost), nothing provisioned for it', async () => {
    const c = claim(ns, 'looks-bound');
    c.metadata.annotations = { [Completed]: 'yes' };
    const created = await client.persistentVolumeClaims.create(c);
    await waitClaimPhase(client, ns, 'looks-bound', 'Lost');
    const ev = await waitEvent(client, ns, 'looks-bound', 'ClaimLost');
    expect(ev.message).to.match(/lost reference to PersistentVolume/);
    const names = (await client.persistentVolumes.list()).items.map((v) => v.metadata.name);
    expect(names).to.not.include(`pvc-${created.metadata.uid ?? ''}`);
  });

  it("a PV a user pre-bound to a claim that is bound elsewhere loses the claimRef's uid (name kept) and is Available", async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'owner'));
    const owner = await waitClaimPhase(client, ns, 'owner', 'Bound');
    const user = hostPathVolume('binder-user-ref', { dir: tmp, size: '1Gi' });
    user.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: ns, name: 'owner', uid: owner.metadata.uid };
    await client.persistentVolumes.create(user);
    await waitUntil(
      async () => {
        const pv = await client.persistentVolumes.get('binder-user-ref');
        return pv.status?.phase === 'Available' && pv.spec.claimRef?.uid === undefined;
      },
      20_000,
      'PV Available with the claimRef uid cleared',
    );
    const pv = await client.persistentVolumes.get('binder-user-ref');
    expect(pv.spec.claimRef?.name).to.equal('owner');
    expect(pv.spec.claimRef?.namespace).to.equal(ns);
    expect((await client.persistentVolumeClaims.get('owner', ns)).spec.volumeName).to.equal(owner.spec.volumeName);
  });

  it('a provisioned PV is bound-by-controller; its claim is bind-completed and bound-by-controller', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'dyn', { size: '64Mi' }));
    const bound = await waitClaimPhase(client, ns, 'dyn', 'Bound');
    expect(bound.metadata.annotations?.[Completed]).to.equal('yes');
    expect(bound.metadata.annotations?.[BoundBy]).to.equal('yes');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.metadata.annotations?.[BoundBy]).to.equal('yes');
  });
});
