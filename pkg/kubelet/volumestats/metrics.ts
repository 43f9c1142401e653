/**
 * Kubernetes' kubelet volume metrics, computed at scrape time from the collector's last figures:
 * kubelet_volume_stats_{capacity,available,used}_bytes and _inodes, _inodes_free, _inodes_used,
 * labelled namespace and persistentvolumeclaim (one series per claim, whatever the pods).
 */
import { Gauge, type Registry } from '../../metrics/registry';
import type { MountedClaimVolume, VolumeStats, VolumeStatsCollector } from './collector';

const series: readonly [string, string, keyof VolumeStats][] = [
  ['kubelet_volume_stats_capacity_bytes', 'Capacity in bytes of the volume', 'capacityBytes'],
  ['kubelet_volume_stats_available_bytes', 'Number of available bytes in the volume', 'availableBytes'],
  ['kubelet_volume_stats_used_bytes', 'Number of used bytes in the volume', 'usedBytes'],
  ['kubelet_volume_stats_inodes', 'Maximum number of inodes in the volume', 'inodes'],
  ['kubelet_volume_stats_inodes_free', 'Number of free inodes in the volume', 'inodesFree'],
  ['kubelet_volume_stats_inodes_used', 'Number of used inodes in the volume', 'inodesUsed'],
];

/** Registers the six gauges on `registry`, reading `collector` for the volumes `volumes()` lists. */
export function registerVolumeStatsMetrics(
  registry: Registry,
  collector: Pick<VolumeStatsCollector, 'get'>,
  volumes: () => MountedClaimVolume[],
): void {
  for (const [name, help, field] of series) {
    registry.register(
      new Gauge(name, help, () => {
        const byClaim = new Map<string, [Record<string, string>, number]>();
        for (const v of volumes()) {
          const s = collector.get(v.pvName);
          const value = s?.[field];
          if (typeof value !== 'number') continue;
          byClaim.set(`${v.claim.namespace}/${v.claim.name}`, [
            { namespace: v.claim.namespace, persistentvolumeclaim: v.claim.name },
            value,
          ]);
        }
        return [...byClaim.values()];
      }),
    );
  }
}
