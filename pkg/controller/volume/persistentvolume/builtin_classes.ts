/**
 * The built-in StorageClasses `hostPath` and `nfs`, so the seed's manifests work with no class
 * created by the user. Created when missing; never overwritten (a user may edit them).
 */
import type { StorageClass } from '../../../api/storage/v1';
import { isAlreadyExists } from '../../../api/errors';
import { Provisioner, StorageType } from './constants';
import type { NfsSettings } from '../../../volume/nfs/controller';

/** The built-in classes for these NFS settings. */
export function builtinClasses(nfs: NfsSettings): StorageClass[] {
  const base = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    reclaimPolicy: 'Delete' as const,
    volumeBindingMode: 'Immediate' as const,
    allowVolumeExpansion: false,
  };
  return [
    {
      ...base,
      metadata: { name: StorageType.HostPath, labels: { 'kubestore.io/builtin': 'true' } },
      provisioner: Provisioner.HostPath,
    },
    {
      ...base,
      metadata: { name: StorageType.NFS, labels: { 'kubestore.io/builtin': 'true' } },
      provisioner: Provisioner.NFS,
      parameters: { server: nfs.server, path: nfs.exportPath },
    },
  ];
}

/** Creates every built-in class that does not exist. */
export async function ensureBuiltinClasses(
  client: { create(sc: StorageClass): Promise<StorageClass> },
  nfs: NfsSettings,
): Promise<void> {
  for (const sc of builtinClasses(nfs)) {
    try {
      await client.create(sc);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
