/**
 * Volume expansion on a real apiserver + etcd with an in-process controller-manager: a bound
 * hostPath claim grown through a class with allowVolumeExpansion gets its PV and its own
 * capacity grown (events Resizing, VolumeResizeSuccessful; no resize conditions left); without
 * allowVolumeExpansion the growth is 403 with Kubernetes' message; lowering to the capacity is
 * 422; a size its filesystem cannot hold is ControllerResizeInfeasible, and lowering the request
 * back (above capacity) recovers it, as Kubernetes 1.32 does.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { StatusError } from '../../../pkg/api/errors';
import { resizeNotAllowedMessage } from '../../../pkg/apiserver/admission/persistent_volume_claim_resize';
import { Clientset } from '../../../pkg/client/clientset';
import { PatchType } from '../../../pkg/client/resource_client';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathClass,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitUntil,
} from './helpers';

describe('volume expansion (in-process controller-manager, real etcd)', function () {
  this.timeout(60_000);
  const ns = 'expand';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;

  const resize = (name: string, storage: string) =>
    client.persistentVolumeClaims.patch(name, ns, PatchType.Merge, { spec: { resources: { requests: { storage } } } });

  const refusal = async (p: Promise<unknown>): Promise<StatusError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof StatusError) return err;
      throw err;
    }
    throw new Error('expected the apiserver to refuse');
  };

  /** Waits until the claim's status satisfies `ok` (noting what it has). */
  const waitClaim = async (name: string, what: string, ok: (c: PersistentVolumeClaim) => boolean) => {
    let got: PersistentVolumeClaim | undefined;
    await waitUntil(
      async (note) => {
        got = await client.persistentVolumeClaims.get(name, ns);
        note(JSON.stringify(got.status));
        return ok(got);
      },
      20_000,
      what,
    );
    if (!got) throw new Error('unreachable');
    return got;
  };

  const boundClaim = async (name: string, className: string) => {
    await client.persistentVolumeClaims.create(claim(ns, name, { className, size: '1Gi' }));
    return waitClaimPhase(client, ns, name, 'Bound');
  };

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-expand-it-'));
    cm = startControllerManager({ url: api.url, dir: tmp });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.storageClasses.create({ ...hostPathClass('grow', 'Delete'), allowVolumeExpansion: true });
    await client.storageClasses.create({ ...hostPathClass('fixed', 'Delete'), allowVolumeExpansion: false });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('grows a bound hostPath claim: PV spec.capacity, then claim capacity; no resize condition left; events', async () => {
    const bound = await boundClaim('data', 'grow');
    expect(bound.status?.capacity?.storage).to.equal('1Gi');
    await resize('data', '2Gi');
    const done = await waitClaim('data', 'claim capacity 2Gi', (c) => c.status?.capacity?.storage === '2Gi');
    expect(done.status?.allocatedResources?.storage).to.equal('2Gi');
    expect(done.status?.allocatedResourceStatuses).to.equal(undefined);
    expect((done.status?.conditions ?? []).map((c) => c.type)).to.deep.equal([]);
    const pv = await client.persistentVolumes.get(done.spec.volumeName ?? '');
    expect(pv.spec.capacity?.storage).to.equal('2Gi');
    const resizing = await waitEvent(client, ns, 'data', 'Resizing');
    expect(resizing.message).to.equal(`External resizer is resizing volume ${pv.metadata.name}`);
    const ok = await waitEvent(client, ns, 'data', 'VolumeResizeSuccessful');
    expect(ok.type).to.equal('Normal');
  });

  it('refuses growth without allowVolumeExpansion: 403 with Kubernetes’ message; the claim is unchanged', async () => {
    await boundClaim('stuck', 'fixed');
    const err = await refusal(resize('stuck', '2Gi'));
    expect(err.status.code).to.equal(403);
    expect(err.status.reason).to.equal('Forbidden');
    expect(err.status.message).to.equal(`persistentvolumeclaims "stuck" is forbidden: ${resizeNotAllowedMessage}`);
    const c = await client.persistentVolumeClaims.get('stuck', ns);
    expect(c.spec.resources?.requests?.storage).to.equal('1Gi');
  });

  it('refuses shrinking to (or below) the capacity: 422; and any request change of an unbound claim: 422', async () => {
    const err = await refusal(resize('data', '1Gi'));
    expect(err.status.code).to.equal(422);
    expect(err.status.message).to.contain(
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    );
    await client.persistentVolumeClaims.create(claim(ns, 'waiting', { className: 'not-yet', size: '1Gi' }));
    const unbound = await refusal(resize('waiting', '2Gi'));
    expect(unbound.status.code).to.equal(422);
    expect(unbound.status.message).to.contain('spec is immutable after creation');
  });

  it('an infeasible size is ControllerResizeInfeasible; lowering the request back above capacity recovers', async () => {
    await boundClaim('huge', 'grow');
    await resize('huge', '1Ei');
    const failed = await waitClaim(
      'huge',
      'ControllerResizeInfeasible',
      (c) => c.status?.allocatedResourceStatuses?.storage === 'ControllerResizeInfeasible',
    );
    expect(failed.status?.allocatedResources?.storage).to.equal('1Ei');
    expect(failed.status?.capacity?.storage).to.equal('1Gi');
    expect((failed.status?.conditions ?? []).map((c) => c.type)).to.deep.equal(['ControllerResizeError']);
    const ev = await waitEvent(client, ns, 'huge', 'VolumeResizeFailed');
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.match(/OutOfRange: requested size 1Ei is larger than the filesystem/);
    const pv = await client.persistentVolumes.get(failed.spec.volumeName ?? '');
    expect(pv.spec.capacity?.storage).to.equal('1Gi');
    // Recovery: not to the capacity itself (422), but to anything above it.
    expect((await refusal(resize('huge', '1Gi'))).status.code).to.equal(422);
    await resize('huge', '3Gi');
    const recovered = await waitClaim('huge', 'capacity 3Gi', (c) => c.status?.capacity?.storage === '3Gi');
    expect(recovered.status?.allocatedResources?.storage).to.equal('3Gi');
    expect(recovered.status?.allocatedResourceStatuses).to.equal(undefined);
    expect(recovered.status?.conditions ?? []).to.deep.equal([]);
    expect((await client.persistentVolumes.get(pv.metadata.name)).spec.capacity?.storage).to.equal('3Gi');
  });

  it('a non-canonical request (2048Mi, a JSON number, absurd sizes) is stored canonical and grows the PV to the same spelling', async () => {
    await boundClaim('spelled', 'grow');
    await resize('spelled', '2048Mi');
    const c = await client.persistentVolumeClaims.get('spelled', ns);
    expect(c.spec.resources?.requests?.storage).to.equal('2Gi');
    const done = await waitClaim('spelled', 'capacity 2Gi', (x) => x.status?.capacity?.storage === '2Gi');
    expect((await client.persistentVolumes.get(done.spec.volumeName ?? '')).spec.capacity?.storage).to.equal('2Gi');
    // A JSON number, as Kubernetes takes it: stored as its canonical string.
    await client.persistentVolumeClaims.patch('spelled', ns, PatchType.Merge, {
      spec: { resources: { requests: { storage: 3221225472 } } },
    });
    expect((await client.persistentVolumeClaims.get('spelled', ns)).spec.resources?.requests?.storage).to.equal(
      '3221225472',
    );
    await waitClaim('spelled', 'capacity 3221225472', (x) => x.status?.capacity?.storage === '3221225472');
    for (const bad of ['-1Gi', '0', 'Ei', '1e999', '1.2.3Gi']) {
      const err = await refusal(resize('spelled', bad));
      expect(err.status.code, bad).to.equal(422);
    }
  });

  it('validates the status fields of expansion (unknown resize status: 422)', async () => {
    const c = await client.persistentVolumeClaims.get('data', ns);
    const bad = { ...c, status: { ...c.status, allocatedResourceStatuses: { storage: 'Growing' } } };
    const err = await refusal(client.persistentVolumeClaims.updateStatus(bad as PersistentVolumeClaim));
    expect(err.status.code).to.equal(422);
    expect(err.status.message).to.contain('status.allocatedResourceStatuses[storage]: Unsupported value: "Growing"');
  });
});
