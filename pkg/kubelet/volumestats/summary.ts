/**
 * The kubelet's /stats/summary (stats/v1alpha1 Summary) as far as volumes go: the node's name
 * and, per pod with a measured claim volume, podRef and volume[] with name, pvcRef, time,
 * capacityBytes, usedBytes, availableBytes, inodes, inodesUsed, inodesFree. CPU, memory and
 * network figures are not collected here and are left out.
 */
import type { MountedClaimVolume, VolumeStats, VolumeStatsCollector } from './collector';

/** One volume of a pod in the summary. */
export interface VolumeSummary extends VolumeStats {
  name: string;
  pvcRef: { name: string; namespace: string };
}

/** One pod in the summary. */
export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  containers: never[];
  volume: VolumeSummary[];
}

/** The summary document. */
export interface Summary {
  node: { nodeName: string };
  pods: PodSummary[];
}

/** Builds the summary from the collector's last figures. */
export function volumeSummary(
  nodeName: string,
  collector: Pick<VolumeStatsCollector, 'get'>,
  volumes: readonly MountedClaimVolume[],
): Summary {
  const pods = new Map<string, PodSummary>();
  for (const v of volumes) {
    const s = collector.get(v.pvName);
    if (!s) continue;
    let p = pods.get(v.pod.uid);
    if (!p) {
      p = { podRef: { ...v.pod }, containers: [], volume: [] };
      pods.set(v.pod.uid, p);
    }
    p.volume.push({ ...s, name: v.volumeName, pvcRef: { name: v.claim.name, namespace: v.claim.namespace } });
  }
  return { node: { nodeName }, pods: [...pods.values()] };
}
