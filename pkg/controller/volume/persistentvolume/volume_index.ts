/**
 * The matching index: unbound PVs grouped by (storage class, type), each group sorted by
 * capacity, so finding the smallest PV that fits a claim is a binary search plus a short walk
 * past candidates whose access modes or labels do not fit — never a scan of every PV.
 * It is fed by the PV informer's events and by `assume` right after the controller's own
 * writes (so the next claim does not pick a PV this controller just took).
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import { PersistentVolumePhase } from '../../../api/core/v1';
import { labelSelectorFrom } from '../../../api/labels';
import type { LabelSelector } from '../../../api/meta';
import { tryParseQuantity } from '../../../api/quantity';
import type { Stored } from '../../../api/stored';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';

type PV = DeepReadonly<PersistentVolume>;
/** What the index holds: PVs as the apiserver stored them. */
type StoredPV = DeepReadonly<Stored<PersistentVolume, 'Cluster'>>;

interface Entry {
  capacity: bigint;
  name: string;
  pv: StoredPV;
}

function groupKey(className: string, type: string | undefined): string {
  return `${className}\u0000${type ?? ''}`;
}

function capacityOf(pv: PV): bigint {
  return tryParseQuantity(pv.spec.capacity?.storage)?.milli ?? 0n;
}

/** True when a PV is free to be matched: no claimRef and not on its way out. */
export function isMatchable(pv: PV): boolean {
  const phase = pv.status?.phase;
  return (
    !pv.spec.claimRef &&
    !pv.metadata.deletionTimestamp &&
    (phase === undefined || phase === PersistentVolumePhase.Available || phase === PersistentVolumePhase.Pending)
  );
}

/** Access modes of the claim are a subset of the volume's. */
export function accessModesFit(pv: PV, claim: DeepReadonly<PersistentVolumeClaim>): boolean {
  const have = new Set(pv.spec.accessModes ?? []);
  return (claim.spec.accessModes ?? []).every((m) => have.has(m));
}

/** The claim's volume mode is the volume's (an absent mode is Filesystem; Kubernetes' checkVolumeModeMismatches). */
export function volumeModeFits(pv: PV, claim: DeepReadonly<PersistentVolumeClaim>): boolean {
  return (pv.spec.volumeMode ?? 'Filesystem') === (claim.spec.volumeMode ?? 'Filesystem');
}

/** Sorted groups of matchable PVs. */
export class VolumeIndex {
  private readonly groups = new Map<string, Entry[]>();
  private readonly where = new Map<string, string>();
  /** Newest resourceVersion seen per PV: an older copy (a late informer event) never wins. */
  private readonly versions = new Map<string, number>();
  /** PVs a worker is binding right now, by claim key: other workers pick another PV. */
  private readonly reserved = new Map<string, string>();

  /**
   * `typeOf` gives a PV's storage type and `serves` whether its driver can serve the claim
   * (its capabilities): both are the volume driver registry's answers.
   */
  constructor(
    private readonly typeOf: (pv: PV) => string | undefined,
    private readonly serves: (pv: PV, claim: DeepReadonly<PersistentVolumeClaim>) => boolean = () => true,
  ) {}

  /** Marks a PV as being bound to `claimKey` (until release). */
  reserve(name: string, claimKey: string): void {
    this.reserved.set(name, claimKey);
  }

  /** Ends a reservation made by `claimKey`. */
  release(name: string, claimKey: string): void {
    if (this.reserved.get(name) === claimKey) this.reserved.delete(name);
  }

  /** Adds, moves or removes a PV according to its current state. */
  upsert(pv: StoredPV): void {
    const name = pv.metadata.name;
    const rv = Number(pv.metadata.resourceVersion);
    if (rv < (this.versions.get(name) ?? 0)) return;
    this.versions.set(name, rv);
    this.remove(name);
    if (!isMatchable(pv)) return;
    const key = groupKey(pv.spec.storageClassName ?? '', this.typeOf(pv));
    const list = this.groups.get(key) ?? [];
    const entry: Entry = { capacity: capacityOf(pv), name, pv };
    list.splice(this.lowerBound(list, entry.capacity, name), 0, entry);
    this.groups.set(key, list);
    this.where.set(name, key);
  }

  /** Forgets a deleted PV. */
  delete(name: string): void {
    this.versions.delete(name);
    this.remove(name);
  }

  private remove(name: string): void {
    const key = this.where.get(name);
    if (key === undefined) return;
    this.where.delete(name);
    const list = this.groups.get(key);
    if (!list) return;
    const i = list.findIndex((e) => e.name === name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.groups.delete(key);
  }

  /** Number of matchable PVs. */
  get size(): number {
    return this.where.size;
  }

  private lowerBound(list: Entry[], capacity: bigint, name = ''): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = list[mid];
      if (e && (e.capacity < capacity || (e.capacity === capacity && e.name < name))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The smallest matchable PV of the claim's class and type whose capacity covers the request,
   * whose access modes include the claim's, whose volume mode is the claim's, whose driver can
   * serve the claim, and whose labels match the claim's selector.
   * `type` undefined matches PVs of any type in the class. PVs reserved by another claim are
   * skipped, and so are those `accept` refuses (e.g. a node affinity excluding the selected node).
   */
  findBestMatch(
    claim: DeepReadonly<PersistentVolumeClaim>,
    type: string | undefined,
    claimKey = '',
    accept: (pv: StoredPV) => boolean = () => true,
  ): StoredPV | undefined {
    const request = tryParseQuantity(claim.spec.resources?.requests?.storage)?.milli ?? 0n;
    const selector = labelSelectorFrom(claim.spec.selector as LabelSelector | undefined);
    const className = claim.spec.storageClassName ?? '';
    const keys =
      type !== undefined
        ? [groupKey(className, type)]
        : [...this.groups.keys()].filter((k) => k.startsWith(`${className}\u0000`));
    let best: Entry | undefined;
    for (const key of keys) {
      const list = this.groups.get(key) ?? [];
      for (let i = this.lowerBound(list, request); i < list.length; i++) {
        const e = list[i];
        if (!e || (best && e.capacity >= best.capacity)) break;
        const holder = this.reserved.get(e.name);
        if (
          (holder === undefined || holder === claimKey) &&
          accessModesFit(e.pv, claim) &&
          volumeModeFits(e.pv, claim) &&
          this.serves(e.pv, claim) &&
          selector.matches(e.pv.metadata.labels) &&
          accept(e.pv)
        ) {
          best = e;
          break;
        }
      }
    }
    return best?.pv;
  }
}
