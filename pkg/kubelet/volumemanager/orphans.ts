/** Restart cleanup of what volume drivers left behind for pods that are gone. */
import type { Logger } from 'pino';
import type { Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { NodeDrivers } from '../../volume/node_drivers';
import type { ClaimFetcher } from './claim_fetcher';
import { desiredPod, type VolumeListers } from './populator';

/**
 * After a restart, what drivers left for pods that are gone (shared mounts) is cleaned up by
 * each driver's optional cleanupOrphans (the volume manager's actual state starts empty and
 * would never see it); volumes of pods still here are re-attached by their next publish.
 */
export async function cleanupOrphanedVolumes(o: {
  drivers: NodeDrivers;
  rootDir: string;
  pods: readonly DeepReadonly<Stored<Pod, 'Namespaced'>>[];
  claims: ClaimFetcher;
  logger: Logger;
}): Promise<void> {
  const { pods, claims, logger: log } = o;
  try {
    await Promise.all(pods.map((p) => claims.fetch(p)));
  } catch (err) {
    // Without every pod's volumes known, nothing can be called orphaned.
    log.warn(
      { err: (err as Error).message },
      "could not read the claims of this node's pods; orphaned volume mounts are left for now",
    );
    return;
  }
  const listers: VolumeListers = claims;
  const keep = new Set(
    pods.flatMap((p) =>
      desiredPod(p, listers).volumes.flatMap((v) => (v.pv?.metadata.name ? [v.pv.metadata.name] : [])),
    ),
  );
  try {
    const removed = await o.drivers.cleanupOrphans(o.rootDir, keep);
    if (removed.length) log.info({ volumes: removed }, 'unmounted volumes no pod needs after restart');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not clean up orphaned volume mounts');
  }
}
