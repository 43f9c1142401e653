/**
 * core/v1 schemas of where a pod's data comes from: environment variable sources and the
 * configMap / secret / downwardAPI / projected volume sources (pods in this project mount
 * claims only — validation refuses the others — but manifests naming them still decode).
 */
import { bool, coreName, int32, list, quantityName, ref, refOnly, str, struct, type Components } from '../schema';

const optional = (what: string) => bool(`Specify whether the ${what} must be defined`);

/** Environment variable sources. */
export const envSourceSchemas: Components = {
  [coreName('ObjectFieldSelector')]: struct(
    'ObjectFieldSelector selects an APIVersioned field of an object.',
    {
      apiVersion: str('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
      fieldPath: str('Path of the field to select in the specified API version.'),
    },
    { required: ['fieldPath'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('ResourceFieldSelector')]: struct(
    'ResourceFieldSelector represents container resources (cpu, memory) and their output format',
    {
      containerName: str('Container name: required for volumes, optional for env vars'),
      divisor: ref(quantityName, 'Specifies the output format of the exposed resources, defaults to "1"'),
      resource: str('Required: resource to select'),
    },
    { required: ['resource'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('ConfigMapKeySelector')]: struct(
    'Selects a key from a ConfigMap.',
    {
      key: str('The key to select.'),
      name: str('Name of the referent.'),
      optional: optional('ConfigMap or its key'),
    },
    { required: ['key'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('SecretKeySelector')]: struct(
    'SecretKeySelector selects a key of a Secret.',
    {
      key: str('The key of the secret to select from.  Must be a valid secret key.'),
      name: str('Name of the referent.'),
      optional: optional('Secret or its key'),
    },
    { required: ['key'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [coreName('EnvVarSource')]: struct('EnvVarSource represents a source for the value of an EnvVar.', {
    configMapKeyRef: ref(coreName('ConfigMapKeySelector'), 'Selects a key of a ConfigMap.'),
    fieldRef: ref(
      coreName('ObjectFieldSelector'),
      "Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
    ),
    resourceFieldRef: ref(
      coreName('ResourceFieldSelector'),
      'Selects a resource of the container: only resources limits and requests are currently supported.',
    ),
    secretKeyRef: ref(coreName('SecretKeySelector'), "Selects a key of a secret in the pod's namespace"),
  }),
  [coreName('ConfigMapEnvSource')]: struct(
    'ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.',
    {
      name: str('Name of the referent.'),
      optional: optional('ConfigMap'),
    },
  ),
  [coreName('SecretEnvSource')]: struct(
    'SecretEnvSource selects a Secret to populate the environment variables with.',
    {
      name: str('Name of the referent.'),
      optional: optional('Secret'),
    },
  ),
};

const items = list(
  refOnly(coreName('KeyToPath')),
  'items if unspecified, each key-value pair in the Data field of the referenced object will be projected into the volume as a file whose name is the key and content is the value.',
);
const defaultMode = int32('defaultMode is optional: mode bits used to set permissions on created files by default.');

/** Projection volume sources. */
export const projectionSchemas: Components = {
  [coreName('KeyToPath')]: struct(
    'Maps a string key to a path within a volume.',
    {
      key: str('key is the key to project.'),
      mode: int32('mode is Optional: mode bits used to set permissions on this file.'),
      path: str('path is the relative path of the file to map the key to. May not be an absolute path.'),
    },
    { required: ['key', 'path'] },
  ),
  [coreName('ConfigMapVolumeSource')]: struct('Adapts a ConfigMap into a volume.', {
    defaultMode,
    items,
    name: str('Name of the referent.'),
    optional: optional('ConfigMap or its keys'),
  }),
  [coreName('SecretVolumeSource')]: struct('Adapts a Secret into a volume.', {
    defaultMode,
    items,
    optional: optional('Secret or its keys'),
    secretName: str("secretName is the name of the secret in the pod's namespace to use."),
  }),
  [coreName('DownwardAPIVolumeFile')]: struct(
    'DownwardAPIVolumeFile represents information to create the file containing the pod field',
    {
      fieldRef: ref(
        coreName('ObjectFieldSelector'),
        'Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.',
      ),
      mode: int32('Optional: mode bits used to set permissions on this file.'),
      path: str('Required: Path is  the relative path name of the file to be created.'),
      resourceFieldRef: ref(
        coreName('ResourceFieldSelector'),
        'Selects a resource of the container: only resources limits and requests are currently supported.',
      ),
    },
    { required: ['path'] },
  ),
  [coreName('DownwardAPIVolumeSource')]: struct(
    'DownwardAPIVolumeSource represents a volume containing downward API info.',
    {
      defaultMode,
      items: list(refOnly(coreName('DownwardAPIVolumeFile')), 'Items is a list of downward API volume file'),
    },
  ),
};
