/** Who the NFS driver is, and its settings (shared by its two halves). */
import os from 'node:os';
import path from 'node:path';
import { directoryCapabilities, type DriverIdentity } from '../driver';

/** Default published path of the export (`--nfs-export-path`). */
export const DefaultNfsExportPath = '/exports';
/** Default local directory backing the export on the server (`--nfs-export-root`). */
export const DefaultNfsExportRoot = '/var/lib/kubestore/nfs-export';

/** NFS settings (seed: NFS_SERVER, IS_NFS_SERVER; flags --nfs-export-root, --nfs-export-path). */
export interface NfsSettings {
  /** NFS_SERVER: the default server of provisioned volumes, and this host's name as a server (default localhost). */
  server: string;
  /** IS_NFS_SERVER: this host is the NFS server and owns exportRoot. */
  isServer: boolean;
  /** Local directory backing the export on the server. */
  exportRoot: string;
  /** The path the export is published under (default /exports). */
  exportPath: string;
}

/** Who the NFS driver is. */
export const nfsIdentity: DriverIdentity = {
  type: 'nfs',
  provisioner: 'kubestore.io/nfs',
  pluginName: 'kubernetes.io/nfs',
  capabilities: directoryCapabilities,
};

/**
 * The export path mapping both halves use: the server exports its local directory `exportRoot`
 * under `exportPath`, so `<exportPath>/a/b` is `<exportRoot>/a/b` and `exportPath` itself is
 * `exportRoot`. Undefined for a path outside the export. `exported` must already be a checked,
 * normalized absolute path (each half checks it its own way).
 */
export function exportedToLocal(exported: string, exportPath: string, exportRoot: string): string | undefined {
  const rel = path.posix.relative(exportPath, exported);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return undefined;
  return rel ? path.join(exportRoot, rel) : exportRoot;
}

/** True when `server` names this host: localhost, a loopback address, NFS_SERVER or the host name. */
export function isLocalNfsServer(server: string, nfsServer: string, hostname: string = os.hostname()): boolean {
  const s = server
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return ['localhost', '127.0.0.1', '::1', nfsServer.toLowerCase(), hostname.toLowerCase()].includes(s);
}
