/**
 * The DefaultStorageClass admission plugin, as in kube-apiserver: a PersistentVolumeClaim
 * created without a class (no `spec.storageClassName`, not even "", and no beta
 * `volume.beta.kubernetes.io/storage-class` annotation) gets the default StorageClass's name
 * (pkg/api/storage/default_class.ts picks it: the newest of the annotated classes). An explicit
 * `storageClassName: ""` stays "" (a claim for class-less PVs only). No default: the claim is
 * left as it is; the PV controller assigns the default later if one appears (Kubernetes'
 * retroactive assignment). Only creates are touched; updates and subresources pass.
 * Classes are read from the apiserver's watch cache (Kubernetes reads an informer).
 */
import type { PersistentVolumeClaim } from '../../api/core/v1';
import type { KubeObject } from '../../api/meta';
import { claimHasClass, defaultStorageClass } from '../../api/storage/default_class';
import type { StorageClass } from '../../api/storage/v1';

/** The plugin's name, as `--disable-admission-plugins` spells it. */
export const DefaultStorageClass = 'DefaultStorageClass';

/** The write the plugin looks at. */
export interface ClassDefaultingAttempt {
  resource: string;
  verb: string;
  subresource?: string;
  obj: KubeObject;
}

/**
 * The object to create, with the default class set when it is a claim without one (see the
 * file comment); any other write is returned unchanged. `classes` lists the current classes.
 */
export function admitDefaultStorageClass(w: ClassDefaultingAttempt, classes: () => Iterable<StorageClass>): KubeObject {
  if (w.resource !== 'persistentvolumeclaims' || w.verb !== 'create' || w.subresource) return w.obj;
  const pvc = w.obj as PersistentVolumeClaim;
  if (!pvc.spec || typeof pvc.spec !== 'object' || claimHasClass(pvc)) return w.obj;
  const name = defaultStorageClass(classes())?.metadata.name;
  if (!name) return w.obj;
  return { ...pvc, spec: { ...pvc.spec, storageClassName: name } } as KubeObject;
}
