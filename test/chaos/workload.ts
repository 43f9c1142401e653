/**
 * What each chaos cycle asks of the cluster, and what the run expects of it afterwards.
 *
 * Cycle i creates: a static hostPath PV with a claim that selects it by label (Retain), two
 * dynamically provisioned hostPath claims (Delete; a pod writes a token into one), a claim
 * naming a missing `volumeName` (the seed rule: that PV is provisioned), and a claim naming an
 * NFS PV while asking for class hostPath (the seed rule: Failed, VolumeMismatch). It deletes
 * everything cycle i-1 created. The model remembers each claim's uid, PV and host directory
 * once bound, so convergence and the invariants can be checked without trusting the cluster.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../pkg/api/core/v1';
import { claimObject, podObject } from '../e2e/kubelet/support';
import type { ChaosApi } from './api';

/** The kinds of claim a cycle creates. */
export const ClaimKind = { Dynamic: 'dynamic', Static: 'static', Named: 'named', Mismatch: 'mismatch' } as const;
export type ClaimKind = (typeof ClaimKind)[keyof typeof ClaimKind];

/** One claim the workload made, with what was learned about it. */
export interface ClaimRecord {
  name: string;
  kind: ClaimKind;
  /** Known up front for static, named and mismatch claims; learned once a dynamic claim binds. */
  pvName?: string;
  uid?: string;
  dir?: string;
  pod?: { name: string; token: string; uid?: string };
  deleted: boolean;
}

const ns = '/api/v1/namespaces/default';
const claimsPath = `${ns}/persistentvolumeclaims`;
const podsPath = `${ns}/pods`;
const pvsPath = '/api/v1/persistentvolumes';
const size = { storage: '10Mi' };

/** The workload and its model of the cluster. */
export class Workload {
  readonly claims = new Map<number, ClaimRecord[]>();

  constructor(
    private readonly api: ChaosApi,
    private readonly staticRoot: string,
  ) {
    mkdirSync(staticRoot, { recursive: true });
  }

  /** Every record not deleted yet. */
  live(): ClaimRecord[] {
    return [...this.claims.values()].flat().filter((r) => !r.deleted);
  }

  /** Every record of a deleted claim. */
  deleted(): ClaimRecord[] {
    return [...this.claims.values()].flat().filter((r) => r.deleted);
  }

  /** Creates cycle i's objects (in parallel, each retried through faults). */
  async createCycle(i: number, token: string): Promise<void> {
    const staticPv = `static-pv-${i}`;
    const staticDir = path.join(this.staticRoot, staticPv);
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(path.join(staticDir, 'keep'), staticPv);
    const records: ClaimRecord[] = [
      { name: `sel-${i}`, kind: ClaimKind.Static, pvName: staticPv, dir: staticDir, deleted: false },
      { name: `dyn-${i}`, kind: ClaimKind.Dynamic, pod: { name: `pod-${i}`, token }, deleted: false },
      { name: `dyn2-${i}`, kind: ClaimKind.Dynamic, deleted: false },
      { name: `named-${i}`, kind: ClaimKind.Named, pvName: `named-pv-${i}`, deleted: false },
      { name: `mis-${i}`, kind: ClaimKind.Mismatch, pvName: `nfs-pv-${i}`, deleted: false },
    ];
    this.claims.set(i, records);
    const pv = (
      name: string,
      spec: Partial<PersistentVolume['spec']>,
      labels: Record<string, string> = {},
    ): PersistentVolume => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, labels },
      spec: { capacity: size, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', ...spec },
    });
    const selClaim: PersistentVolumeClaim = {
      ...claimObject(`sel-${i}`, 'manual'),
      spec: { ...claimObject('', 'manual').spec, selector: { matchLabels: { 'chaos/pv': staticPv } } },
    };
    const named = claimObject(`named-${i}`);
    named.spec.volumeName = `named-pv-${i}`;
    const mismatch = claimObject(`mis-${i}`);
    mismatch.spec.volumeName = `nfs-pv-${i}`;
    const pod = podObject(`pod-${i}`, {
      claim: `dyn-${i}`,
      script: `echo ${token} > /data/token && trap 'exit 0' TERM && while true; do sleep 1; done`,
    });
    await Promise.all([
      this.api
        .create(
          pvsPath,
          pv(staticPv, { storageClassName: 'manual', hostPath: { path: staticDir } }, { 'chaos/pv': staticPv }),
        )
        .then(() => this.api.create(claimsPath, selClaim)),
      this.api.create(claimsPath, claimObject(`dyn-${i}`)).then(() => this.api.create(podsPath, pod)),
      this.api.create(claimsPath, claimObject(`dyn2-${i}`)),
      this.api.create(claimsPath, named),
      this.api
        .create(
          pvsPath,
          pv(`nfs-pv-${i}`, { storageClassName: 'nfs', nfs: { server: 'localhost', path: `/exports/chaos-${i}` } }),
        )
        .then(() => this.api.create(claimsPath, mismatch)),
    ]);
  }

  /** Deletes everything cycle i created (pods first; pvc-protection holds claims until they are gone). */
  async deleteCycle(i: number): Promise<void> {
    const records = this.claims.get(i) ?? [];
    for (const r of records) r.deleted = true;
    await Promise.all(
      records.map(async (r) => {
        if (r.pod) await this.api.remove(`${podsPath}/${r.pod.name}`);
        await this.api.remove(`${claimsPath}/${r.name}`);
        if (r.kind === ClaimKind.Mismatch && r.pvName) await this.api.remove(`${pvsPath}/${r.pvName}`);
      }),
    );
  }

  /**
   * What still differs from the expected state (empty when converged). Learns uids, PVs and
   * directories of live claims as they bind.
   */
  async pending(): Promise<string[]> {
    const [claims, pvs, pods] = await Promise.all([
      this.api.list<PersistentVolumeClaim>(claimsPath),
      this.api.list<PersistentVolume>(pvsPath),
      this.api.list<Pod>(podsPath),
    ]);
    const claimBy = new Map(claims.map((c) => [c.metadata.name ?? '', c]));
    const pvBy = new Map(pvs.map((p) => [p.metadata.name ?? '', p]));
    const podBy = new Map(pods.map((p) => [p.metadata.name ?? '', p]));
    const out: string[] = [];
    for (const r of this.live()) {
      const c = claimBy.get(r.name);
      if (!c) {
        out.push(`claim ${r.name} missing`);
        continue;
      }
      if (r.kind === ClaimKind.Mismatch) {
        if (c.status?.phase !== 'Failed') out.push(`claim ${r.name} is ${c.status?.phase ?? 'new'}, want Failed`);
        continue;
      }
      const pv = pvBy.get(c.spec.volumeName ?? '');
      if (c.status?.phase !== 'Bound' || !pv || pv.status?.phase !== 'Bound') {
        out.push(`claim ${r.name} not bound yet (${c.status?.phase ?? 'new'})`);
        continue;
      }
      r.uid = c.metadata.uid;
      r.pvName = pv.metadata.name;
      r.dir = pv.spec.hostPath?.path;
      if (r.pod) {
        const p = podBy.get(r.pod.name);
        if (p?.status?.phase !== 'Running') out.push(`pod ${r.pod.name} is ${p?.status?.phase ?? 'missing'}`);
        else r.pod.uid = p.metadata.uid;
        if (!r.dir || readIfExists(path.join(r.dir, 'token'))?.trim() !== r.pod.token)
          out.push(`token of ${r.pod.name} not on disk yet`);
      }
    }
    for (const r of this.deleted()) {
      if (claimBy.has(r.name)) out.push(`deleted claim ${r.name} still there`);
      if (r.pod && podBy.has(r.pod.name)) out.push(`deleted pod ${r.pod.name} still there`);
      const pv = r.pvName ? pvBy.get(r.pvName) : undefined;
      if (r.kind === ClaimKind.Dynamic || r.kind === ClaimKind.Named) {
        if (pv) out.push(`PV ${r.pvName ?? ''} of deleted claim ${r.name} still there (${pv.status?.phase ?? ''})`);
        else if (r.dir && existsSync(r.dir)) out.push(`directory of deleted claim ${r.name} still there`);
      } else if (r.kind === ClaimKind.Static && pv?.status?.phase !== 'Released') {
        out.push(`static PV ${r.pvName ?? ''} is ${pv?.status?.phase ?? 'missing'}, want Released`);
      }
    }
    return out;
  }
}

/** A file's content, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
