/**
 * The NFS driver: a PV's `spec.nfs` export. Provisioned volumes are subdirectories of the
 * export, made directly on the NFS server's own host (IS_NFS_SERVER=true); the node half binds
 * the export's local directory there, and mounts the export elsewhere. Its default class `nfs`
 * makes the seed's `storageClassName: nfs` work.
 */
import { defaultClassOf, type VolumeDriver } from '../driver';
import { NfsController } from './controller';
import { nfsIdentity, type NfsSettings } from './identity';
import { NfsNode } from './node';

/** The NFS driver with these settings. */
export function newNfsDriver(settings: NfsSettings): VolumeDriver {
  return {
    identity: nfsIdentity,
    // A null source field is unset (validation and the API treat it so; JSON keeps it).
    handles: (pv) => pv.spec.nfs !== undefined && pv.spec.nfs !== null,
    defaultClass: defaultClassOf(nfsIdentity, nfsIdentity.type, { server: settings.server, path: settings.exportPath }),
    controller: (host) => new NfsController(settings, host.records),
    node: (host) =>
      new NfsNode({
        isNfsServer: settings.isServer,
        nfsServer: settings.server,
        exportRoot: settings.exportRoot,
        exportPath: settings.exportPath,
        mounter: host.mounter,
      }),
  };
}
