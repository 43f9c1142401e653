/**
 * The default StorageClasses the volume drivers bring (`hostPath`, `nfs`), so the seed's
 * manifests work with no class created by the user. Created when missing; never overwritten
 * (a user may edit them).
 */
import type { StorageClass } from '../../../api/storage/v1';
import { isAlreadyExists } from '../../../api/errors';
import type { VolumeDriverRegistry } from '../../../volume/registry';

/** Creates every default class of the drivers that does not exist. */
export async function ensureBuiltinClasses(
  client: { create(sc: StorageClass): Promise<StorageClass> },
  drivers: VolumeDriverRegistry,
): Promise<void> {
  for (const sc of drivers.defaultClasses()) {
    try {
      await client.create(sc);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
