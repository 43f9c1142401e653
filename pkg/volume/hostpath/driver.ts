/**
 * The hostPath driver: a PV's `spec.hostPath` directory on the node, provisioned under the
 * controller-manager's --hostpath-base-dir (or a class `path` under --hostpath-allowed-roots).
 * Its default class `hostPath` makes the seed's `storageClassName: hostPath` work.
 */
import { defaultHostPathBaseDir } from '../../util/fsroots/roots';
import { defaultClassOf, type VolumeDriver } from '../driver';
import { HostPathController } from './controller';
import { hostPathIdentity, type HostPathSettings } from './identity';
import { HostPathNode } from './node';
import { defaultCapacityQuotas } from '../dirs/capacity_quota';
import { defaultSnapshotRoot } from './snapshots';

/** The hostPath driver with these settings (defaults: the default base dir, no further roots). */
export function newHostPathDriver(settings: Partial<HostPathSettings> = {}): VolumeDriver {
  const s: HostPathSettings = {
    baseDir: settings.baseDir ?? defaultHostPathBaseDir,
    allowedRoots: settings.allowedRoots ?? [],
    snapshotRoot: settings.snapshotRoot ?? defaultSnapshotRoot(settings.baseDir ?? defaultHostPathBaseDir),
  };
  return {
    identity: hostPathIdentity,
    // A null source field is unset (validation and the API treat it so; JSON keeps it).
    handles: (pv) => pv.spec.hostPath !== undefined && pv.spec.hostPath !== null,
    defaultClass: defaultClassOf(hostPathIdentity, hostPathIdentity.type),
    controller: (host) =>
      new HostPathController({
        ...s,
        records: host.records,
        quotas: defaultCapacityQuotas,
        ...(host.snapshotRecords ? { snapshotRecords: host.snapshotRecords } : {}),
      }),
    node: () => new HostPathNode(),
  };
}
