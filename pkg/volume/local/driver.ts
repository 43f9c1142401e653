/**
 * The local driver: a PV's `spec.local` directory on the one node its nodeAffinity names,
 * under that kubelet's --local-volume-roots. Static only: no provisioner, no deleter, no
 * default class (classes of local volumes use `kubernetes.io/no-provisioner`).
 */
import type { VolumeDriver } from '../driver';
import { LocalController } from './controller';
import { localIdentity, type LocalSettings } from './identity';
import { LocalNode } from './node';

/** The local driver with these settings (default: no roots, so every local volume is refused on the node). */
export function newLocalDriver(settings: Partial<LocalSettings> = {}): VolumeDriver {
  const s: LocalSettings = { roots: settings.roots ?? [] };
  return {
    identity: localIdentity,
    // A null source field is unset (validation and the API treat it so; JSON keeps it).
    handles: (pv) => pv.spec.local !== undefined && pv.spec.local !== null,
    controller: () => new LocalController(),
    node: () => new LocalNode(s),
  };
}
