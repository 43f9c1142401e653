/**
 * The safety invariants the chaos run checks after every convergence: what must hold however
 * the faults fell. Each violation is one readable line.
 *
 *   - no PV is bound to two claims, no two claims are bound to one PV;
 *   - no claim has two provisioned PVs (PVs whose claimRef names its uid);
 *   - no directory is removed while its claim exists, and pod data is intact;
 *   - every directory of a deleted Delete-policy claim is removed, and a Retain one is kept;
 *   - no container runs for a pod that does not exist, none twice for one that does.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../pkg/api/core/v1';
import { nodeContainers } from '../e2e/kubelet/support';
import type { ChaosApi } from './api';
import { ClaimKind, readIfExists, type Workload } from './workload';

/** Checks every invariant; returns the violations. */
export async function checkInvariants(api: ChaosApi, workload: Workload, nodeName: string): Promise<string[]> {
  const [claims, pvs, pods] = await Promise.all([
    api.list<PersistentVolumeClaim>('/api/v1/namespaces/default/persistentvolumeclaims'),
    api.list<PersistentVolume>('/api/v1/persistentvolumes'),
    api.list<Pod>('/api/v1/namespaces/default/pods'),
  ]);
  const out: string[] = [];

  const claimsOfPv = new Map<string, string[]>();
  for (const c of claims) {
    if (c.status?.phase !== 'Bound' || !c.spec.volumeName) continue;
    const list = claimsOfPv.get(c.spec.volumeName) ?? [];
    list.push(c.metadata.name ?? '');
    claimsOfPv.set(c.spec.volumeName, list);
  }
  for (const [pv, names] of claimsOfPv)
    if (names.length > 1) out.push(`PV ${pv} is the volume of ${names.length} bound claims: ${names.join(', ')}`);
  const claimByUid = new Map(claims.map((c) => [c.metadata.uid ?? '', c]));
  const pvsOfClaim = new Map<string, string[]>();
  for (const pv of pvs) {
    const ref = pv.spec.claimRef;
    if (!ref?.uid) continue;
    pvsOfClaim.set(ref.uid, [...(pvsOfClaim.get(ref.uid) ?? []), pv.metadata.name ?? '']);
    const claim = claimByUid.get(ref.uid);
    if (pv.status?.phase === 'Bound' && claim && claim.spec.volumeName !== pv.metadata.name) {
      out.push(
        `PV ${pv.metadata.name ?? ''} is Bound to claim ${ref.name ?? ''} whose volume is ${claim.spec.volumeName ?? '(none)'}`,
      );
    }
  }
  for (const [uid, names] of pvsOfClaim)
    if (names.length > 1) out.push(`claim uid ${uid} has ${names.length} PVs: ${names.join(', ')}`);

  for (const r of workload.live()) {
    if (!r.dir || r.kind === ClaimKind.Mismatch) continue;
    if (!existsSync(r.dir)) out.push(`directory ${r.dir} of live claim ${r.name} was removed`);
    if (r.pod && readIfExists(path.join(r.dir, 'token'))?.trim() !== r.pod.token)
      out.push(`data of pod ${r.pod.name} in ${r.dir} is not intact`);
    if (r.kind === ClaimKind.Static && readIfExists(path.join(r.dir, 'keep')) !== r.pvName)
      out.push(`static volume ${r.dir} was emptied`);
  }
  for (const r of workload.deleted()) {
    if (!r.dir) continue;
    const deleteKind = r.kind === ClaimKind.Dynamic || r.kind === ClaimKind.Named;
    if (deleteKind && existsSync(r.dir))
      out.push(`directory ${r.dir} of deleted Delete-policy claim ${r.name} is still there`);
    if (r.kind === ClaimKind.Static && readIfExists(path.join(r.dir, 'keep')) !== r.pvName)
      out.push(`Retain volume ${r.dir} of deleted claim ${r.name} lost its data`);
  }

  const podUids = new Set(pods.map((p) => p.metadata.uid ?? ''));
  const running = new Map<string, number>();
  for (const c of await nodeContainers(nodeName)) {
    if (!podUids.has(c.podUid))
      out.push(`container ${c.id.slice(0, 12)} runs for pod ${c.pod} (uid ${c.podUid}) that does not exist`);
    running.set(c.podUid, (running.get(c.podUid) ?? 0) + 1);
  }
  for (const [uid, n] of running) if (n > 1) out.push(`pod uid ${uid} has ${n} running containers`);
  return out;
}
