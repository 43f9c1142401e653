/**
 * The kubelet's view of the drivers: each registered driver's node half, made once, and the
 * calls the volume manager makes routed to the driver of each PV.
 */
import type { PersistentVolume } from '../api/core/v1';
import type { VolumeDriver } from './driver';
import type { NodeHost, NodeService, PublishContext, PublishedVolume, VolumeContext } from './node_service';
import type { VolumeDriverRegistry } from './registry';

/** Node halves of every registered driver; see the file comment. */
export class NodeDrivers {
  private readonly nodeOf: (d: VolumeDriver) => NodeService;

  constructor(
    private readonly registry: VolumeDriverRegistry,
    host: NodeHost,
  ) {
    this.nodeOf = registry.services((d) => d.node(host));
  }

  /** The node half of the driver handling `pv`; VolumeSetupError when no single driver does. */
  private serviceFor(pv: PersistentVolume): NodeService {
    return this.nodeOf(this.registry.nodeDriverFor(pv));
  }

  /** Publishes `pv` for a pod through its driver (no single driver: rejects with VolumeSetupError). */
  async publishVolume(pv: PersistentVolume, ctx: PublishContext): Promise<PublishedVolume> {
    return this.serviceFor(pv).publishVolume(pv, ctx);
  }

  /** Unpublishes `pv` for a pod through its driver (no single driver: rejects with VolumeSetupError). */
  async unpublishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<void> {
    return this.serviceFor(pv).unpublishVolume(pv, ctx);
  }

  /**
   * Finishes an expansion on this node through `pv`'s driver; a driver without a node half
   * of expansion has nothing to do there (its controller half did it all), and answers `capacity`.
   */
  async nodeExpandVolume(pv: PersistentVolume, capacity: string, ctx: PublishContext): Promise<string> {
    const service = this.serviceFor(pv);
    return service.nodeExpandVolume ? service.nodeExpandVolume(pv, capacity, ctx) : capacity;
  }

  /**
   * Runs every driver's optional restart cleanup (see NodeService.cleanupOrphans); returns the
   * PVs cleaned up. One driver failing does not keep the others from cleaning up: it throws
   * after all of them ran, naming each driver that failed.
   */
  async cleanupOrphans(rootDir: string, keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    const failed: string[] = [];
    for (const d of this.registry.list()) {
      try {
        const cleaned = await this.nodeOf(d).cleanupOrphans?.(rootDir, keep);
        if (cleaned) removed.push(...cleaned);
      } catch (err) {
        failed.push(`${d.identity.type}: ${(err as Error).message}`);
      }
    }
    if (failed.length)
      throw new Error(`${failed.join('; ')} (cleaned up: ${removed.length ? removed.join(', ') : 'nothing'})`);
    return removed;
  }
}
