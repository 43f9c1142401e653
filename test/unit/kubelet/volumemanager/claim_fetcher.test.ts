/** The kubelet's per-pod GETs of claims and volumes (no list or watch of all claims). */
import { expect } from 'chai';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import { StatusError } from '../../../../pkg/api/errors';
import { ClaimFetcher, orUndefined } from '../../../../pkg/kubelet/volumemanager/claim_fetcher';
import { desiredPod } from '../../../../pkg/kubelet/volumemanager/populator';
import type { Stored } from '../../../../pkg/api/stored';
import { stored, storedIn } from '../../../helpers/stored';

const pod = (name: string, claims: string[]): Stored<Pod, 'Namespaced'> =>
  storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team', uid: `uid-${name}` },
    spec: {
      containers: [{ name: 'c', image: 'busybox', volumeMounts: claims.map((c) => ({ name: c, mountPath: `/${c}` })) }],
      volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
  });
const claim = (name: string, volumeName?: string): Stored<PersistentVolumeClaim, 'Namespaced'> =>
  storedIn<PersistentVolumeClaim>({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'team', uid: `uid-${name}` },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(volumeName ? { volumeName } : {}),
    },
    status: { phase: volumeName ? 'Bound' : 'Pending' },
  });
/** A PV bound to the claim `team/<claimName>` (uid `<claimUid>`). */
const volume = (name: string, claimName = 'data', claimUid = `uid-${claimName}`): Stored<PersistentVolume, 'Cluster'> =>
  stored<PersistentVolume>({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: `/srv/${name}` },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'team', name: claimName, uid: claimUid },
    },
  });

/** An apiserver of claims and volumes the test edits, counting GETs. */
function fakeApi() {
  const claims = new Map<string, Stored<PersistentVolumeClaim, 'Namespaced'>>();
  const volumes = new Map<string, Stored<PersistentVolume, 'Cluster'>>();
  const gets: string[] = [];
  let failing = false;
  const notFound = (what: string) => new StatusError(404, 'NotFound', `${what} not found`);
  return {
    claims,
    volumes,
    gets,
    fail: (on: boolean) => {
      failing = on;
    },
    get: {
      claim: orUndefined(async (ns: string, name: string) => {
        gets.push(`pvc ${ns}/${name}`);
        if (failing) throw new StatusError(503, 'ServiceUnavailable', 'down');
        const c = claims.get(name);
        if (!c) throw notFound(name);
        return c;
      }),
      volume: orUndefined(async (name: string) => {
        gets.push(`pv ${name}`);
        const v = volumes.get(name);
        if (!v) throw notFound(name);
        return v;
      }),
    },
  };
}

describe('ClaimFetcher', () => {
  it("GETs a pod's claims and their bound volumes and serves them to the populator", async () => {
    const api = fakeApi();
    api.claims.set('data', claim('data', 'pv-1'));
    api.volumes.set('pv-1', volume('pv-1'));
    const f = new ClaimFetcher({ get: api.get });
    const p = pod('web', ['data']);
    expect(await f.fetch(p)).to.deep.equal({ settled: true });
    expect(api.gets).to.deep.equal(['pvc team/data', 'pv pv-1']);
    const d = desiredPod(p, f);
    expect(d.volumes[0]?.pv?.metadata.name).to.equal('pv-1');
    expect(d.volumes[0]?.error).to.equal(undefined);
  });

  it("a claim whose volumeName names a PV that points at another claim (another namespace's, or an older claim of that name) is not mounted", async () => {
    const api = fakeApi();
    api.claims.set('data', claim('data', 'pv-1'));
    const f = new ClaimFetcher({ get: api.get });
    const p = pod('web', ['data']);
    const elsewhere = volume('pv-1');
    elsewhere.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'elsewhere', name: 'data' };
    for (const pv of [volume('pv-1', 'data', 'uid-of-an-older-data'), volume('pv-1', 'other'), elsewhere]) {
      api.volumes.set('pv-1', pv);
      await f.fetch(p);
      const d = desiredPod(p, f);
      expect(d.volumes[0]?.pv).to.equal(undefined);
      expect(d.volumes[0]?.error).to.match(/claimRef does not point to claim "data"/);
    }
    const unbound = volume('pv-1');
    delete unbound.spec.claimRef;
    api.volumes.set('pv-1', unbound);
    await f.fetch(p);
    expect(desiredPod(p, f).volumes[0]?.error).to.match(/claimRef does not point/);
  });

  it('reports a pod unsettled, with a doubling capped retry, until its claim binds and its volume exists', async () => {
    const api = fakeApi();
    const f = new ClaimFetcher({ get: api.get, initialRetryMs: 100, maxRetryMs: 350 });
    const p = pod('web', ['data']);
    expect(await f.fetch(p)).to.deep.equal({ settled: false, retryAfterMs: 100 });
    expect(desiredPod(p, f).volumes[0]?.error).to.equal('persistentvolumeclaim "data" not found');
    api.claims.set('data', claim('data'));
    expect(await f.fetch(p)).to.deep.equal({ settled: false, retryAfterMs: 200 });
    expect(desiredPod(p, f).volumes[0]?.error).to.match(/is not bound/);
    api.claims.set('data', claim('data', 'pv-1'));
    expect(await f.fetch(p)).to.deep.equal({ settled: false, retryAfterMs: 350 });
    expect(desiredPod(p, f).volumes[0]?.error).to.equal('persistentvolume "pv-1" bound to claim "data" not found');
    api.volumes.set('pv-1', volume('pv-1'));
    expect(await f.fetch(p)).to.deep.equal({ settled: true });
    expect(desiredPod(p, f).volumes[0]?.pv?.metadata.name).to.equal('pv-1');
    // Settled resets the backoff: the next wait starts small again.
    api.claims.delete('data');
    expect(await f.fetch(p)).to.deep.equal({ settled: false, retryAfterMs: 100 });
    expect(f.claim('team/data')).to.equal(undefined);
  });

  it('keeps the previous reads when a GET fails (the sync is retried)', async () => {
    const api = fakeApi();
    api.claims.set('data', claim('data', 'pv-1'));
    api.volumes.set('pv-1', volume('pv-1'));
    const f = new ClaimFetcher({ get: api.get });
    const p = pod('web', ['data']);
    await f.fetch(p);
    api.fail(true);
    let err: unknown;
    await f.fetch(p).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(StatusError);
    expect(f.volume('pv-1')?.metadata.name).to.equal('pv-1');
  });

  it('drops reads no pod uses any more, keeping those another pod shares', async () => {
    const api = fakeApi();
    api.claims.set('shared', claim('shared', 'pv-s'));
    api.claims.set('own', claim('own', 'pv-o'));
    api.volumes.set('pv-s', volume('pv-s'));
    api.volumes.set('pv-o', volume('pv-o'));
    const f = new ClaimFetcher({ get: api.get });
    const a = pod('a', ['shared', 'own']);
    const b = pod('b', ['shared']);
    await f.fetch(a);
    await f.fetch(b);
    f.forget('uid-a');
    expect(f.claim('team/own')).to.equal(undefined);
    expect(f.volume('pv-o')).to.equal(undefined);
    expect(f.claim('team/shared')?.spec.volumeName).to.equal('pv-s');
    f.forget('uid-b');
    expect(f.claim('team/shared')).to.equal(undefined);
    expect(f.volume('pv-s')).to.equal(undefined);
  });
});
