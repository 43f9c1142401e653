/**
 * The kubelet's volume stats: every `period` (--volume-stats-agg-period, Kubernetes' name and
 * 1-minute default) it measures each mounted claim's directory, off the pod workers' path (a
 * timer of its own, asynchronous filesystem calls, one volume at a time), and keeps the last
 * figures for /metrics and /stats/summary. What is measured, per PV (a volume shared by pods is
 * measured once):
 *   capacityBytes   min(PV spec.capacity, filesystem size): the figure the claim was promised,
 *                   never more than the disk can hold (Kubernetes' du-based hostPath-like
 *                   volumes report the filesystem's size; the PV's is the meaningful one here,
 *                   and equals the project quota where one is set)
 *   usedBytes       the bounded `du` of the directory (disk_usage.ts)
 *   availableBytes  min(capacity − used, filesystem available), never below 0
 *   inodes, inodesFree  the filesystem's (statfs), inodesUsed the walk's count — as MetricsDu
 * When used exceeds the PV's capacity (nothing enforces it without a quota), one Warning
 * `VolumeOverCapacity` event goes to the claim per crossing: again only after it went back under.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { EventRecorder } from '../../client/record/recorder';
import { type Clock, realClock } from '../../util/clock/clock';
import { sleep } from '../../util/wait';
import { diskUsage, type WalkLimits } from './disk_usage';

/** Event reasons of the volume stats. */
export const VolumeStatsReason = { VolumeOverCapacity: 'VolumeOverCapacity' } as const;
export type VolumeStatsReason = (typeof VolumeStatsReason)[keyof typeof VolumeStatsReason];

/** A claim's volume mounted for a pod on this node. */
export interface MountedClaimVolume {
  pod: { namespace: string; name: string; uid: string };
  /** The pod's volume name (spec.volumes[].name). */
  volumeName: string;
  claim: { namespace: string; name: string; uid?: string };
  pvName: string;
  /** PV spec.capacity.storage in bytes (undefined: none given). */
  pvCapacityBytes?: number;
  /** The directory on this host. */
  hostPath: string;
}

/** A filesystem's size as statfs(2) reports it. */
export interface FsInfo {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

/** One volume's figures at one moment. */
export interface VolumeStats {
  /** RFC 3339 time of the measurement. */
  time: string;
  capacityBytes: number;
  usedBytes: number;
  availableBytes: number;
  inodes: number;
  inodesUsed: number;
  inodesFree: number;
}

/** The measurements the collector makes (injected: unit tests use fakes). */
export interface StatsFs {
  fsInfo(dir: string): Promise<FsInfo>;
  usage(dir: string): Promise<{ usedBytes: number; inodesUsed: number; complete: boolean }>;
}

/** statfs(2) of the directory's filesystem and a bounded walk of it. */
export function realStatsFs(limits: WalkLimits): StatsFs {
  return {
    fsInfo: async (dir) => {
      const s = await statfs(dir);
      return {
        capacityBytes: s.blocks * s.bsize,
        availableBytes: s.bavail * s.bsize,
        inodes: s.files,
        inodesFree: s.ffree,
      };
    },
    usage: (dir) => diskUsage(dir, limits),
  };
}

/** Options of the collector. */
export interface VolumeStatsOptions {
  /** The claims' volumes mounted now. */
  volumes(): MountedClaimVolume[];
  fs: StatsFs;
  recorder: EventRecorder;
  periodMs: number;
  logger: Logger;
  clock?: Clock;
}

/** Combines the filesystem's and the walk's figures with the PV's capacity (see the file comment). */
export function volumeStats(
  v: MountedClaimVolume,
  fs: FsInfo,
  used: { usedBytes: number; inodesUsed: number },
  time: string,
): VolumeStats {
  const capacityBytes =
    v.pvCapacityBytes === undefined ? fs.capacityBytes : Math.min(v.pvCapacityBytes, fs.capacityBytes);
  return {
    time,
    capacityBytes,
    usedBytes: used.usedBytes,
    availableBytes: Math.max(0, Math.min(capacityBytes - used.usedBytes, fs.availableBytes)),
    inodes: fs.inodes,
    inodesUsed: used.inodesUsed,
    inodesFree: fs.inodesFree,
  };
}

/** Periodic measurement of the mounted claims' volumes. */
export class VolumeStatsCollector {
  private readonly clock: Clock;
  /** pvName → last figures. */
  private readonly stats = new Map<string, VolumeStats>();
  /** PVs over capacity at the last measurement (an event was sent on crossing). */
  private readonly over = new Set<string>();
  private rounds = 0;

  constructor(private readonly o: VolumeStatsOptions) {
    this.clock = o.clock ?? realClock;
  }

  /** Measures every mounted volume once (one at a time); errors are logged, never thrown. */
  async collect(): Promise<void> {
    const volumes = this.o.volumes();
    const byPv = new Map<string, MountedClaimVolume>();
    for (const v of volumes) byPv.set(v.pvName, v);
    for (const name of this.stats.keys()) if (!byPv.has(name)) this.stats.delete(name);
    for (const name of this.over) if (!byPv.has(name)) this.over.delete(name);
    for (const [name, v] of byPv) {
      try {
        const [fs, used] = [await this.o.fs.fsInfo(v.hostPath), await this.o.fs.usage(v.hostPath)];
        if (!used.complete)
          this.o.logger.warn({ pv: name, path: v.hostPath }, 'volume walk hit its cap; used figures are a lower bound');
        const s = volumeStats(v, fs, used, new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
        this.stats.set(name, s);
        this.checkCapacity(v, s);
      } catch (err) {
        this.stats.delete(name);
        this.o.logger.warn({ pv: name, path: v.hostPath, err: (err as Error).message }, 'could not measure volume');
      }
    }
    this.rounds++;
  }

  private checkCapacity(v: MountedClaimVolume, s: VolumeStats): void {
    const cap = v.pvCapacityBytes;
    const isOver = cap !== undefined && s.usedBytes > cap;
    if (!isOver) {
      this.over.delete(v.pvName);
      return;
    }
    if (this.over.has(v.pvName)) return;
    this.over.add(v.pvName);
    this.o.recorder.event(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: v.claim.name, namespace: v.claim.namespace, ...(v.claim.uid ? { uid: v.claim.uid } : {}) },
      },
      'Warning',
      VolumeStatsReason.VolumeOverCapacity,
      `volume ${v.pvName} uses ${s.usedBytes} bytes, more than its capacity of ${cap} bytes (nothing limits it on this node's filesystem)`,
    );
  }

  /** The last figures of a PV (undefined: not measured yet, or not mounted any more). */
  get(pvName: string): VolumeStats | undefined {
    return this.stats.get(pvName);
  }

  /** Completed measurement rounds (tests wait on it). */
  get completedRounds(): number {
    return this.rounds;
  }

  /** Measures now and then every period until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.collect();
      if (signal.aborted) return;
      await sleep(this.o.periodMs, signal, this.clock);
    }
  }
}
