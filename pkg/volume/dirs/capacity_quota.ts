/**
 * Capacity quotas of provisioned directories: where the filesystem under a root supports
 * project quotas (detected once per root, util/quota/detect.ts), a new volume directory gets a
 * hard limit equal to its capacity, and an expanded one has it raised (`raise`, the expansion
 * helper's entry point). Where it does not, nothing is limited and the kubelet only measures
 * (kubelet/volumestats).
 */
import path from 'node:path';
import { chattrProbe, execRunner, ProjectQuotas, type CommandRunner } from '../../util/quota/project_quota';
import {
  detectProjectQuota,
  hasToolOnPath,
  readSelfMountinfo,
  type QuotaDetectDeps,
  type QuotaSupport,
} from '../../util/quota/detect';

/** What setting a capacity quota did. */
export type QuotaOutcome = { limited: true; projectId: number } | { limited: false; reason: string };

/** Sets and raises capacity quotas of volume directories under their roots. */
export class CapacityQuotas {
  private readonly detected = new Map<string, Promise<QuotaSupport>>();

  constructor(
    private readonly deps: QuotaDetectDeps = {
      mountinfo: readSelfMountinfo,
      hasTool: (n) => hasToolOnPath(n),
      probe: chattrProbe(),
    },
    private readonly run: CommandRunner = execRunner,
  ) {}

  /** Project-quota support under `realRoot` (detected once, then remembered). */
  support(realRoot: string): Promise<QuotaSupport> {
    let s = this.detected.get(realRoot);
    if (!s) {
      s = detectProjectQuota(realRoot, this.deps);
      this.detected.set(realRoot, s);
    }
    return s;
  }

  /**
   * Limits `realDir` (under `realRoot`) to `bytes` when the filesystem supports it; otherwise
   * says why not. A failing quota tool on a filesystem that supports quotas rejects.
   */
  async limit(realRoot: string, realDir: string, bytes: bigint): Promise<QuotaOutcome> {
    const s = await this.support(realRoot);
    if (!s.supported) return { limited: false, reason: s.reason };
    return { limited: true, projectId: await new ProjectQuotas(s, this.run).setLimit(realDir, bytes) };
  }

  /** Raises the limit of an expanded volume (same rules as limit). */
  raise(realRoot: string, realDir: string, bytes: bigint): Promise<QuotaOutcome> {
    return this.limit(realRoot, realDir, bytes);
  }
}

/** The process's capacity quotas (one detection per root for every driver and the expander). */
export const defaultCapacityQuotas = new CapacityQuotas();

/**
 * Raises the quota of the volume directory `realDir` (a real path, as the provisioning record
 * keeps it) to `bytes` where its filesystem has project quotas; says why not otherwise. The
 * entry point of volume expansion.
 */
export function raiseCapacityQuota(
  realDir: string,
  bytes: bigint,
  quotas = defaultCapacityQuotas,
): Promise<QuotaOutcome> {
  return quotas.raise(path.dirname(realDir), realDir, bytes);
}
