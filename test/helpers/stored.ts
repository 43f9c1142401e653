/**
 * Test fixtures as the apiserver would have stored them: what a builder left out of the
 * metadata the apiserver always sets (uid, resourceVersion, and the namespace of a namespaced
 * object) is filled in, the way FakeResource.seed stamps what it is given. The name must be set.
 */
import type { KubeObject } from '../../pkg/api/meta';
import type { Stored } from '../../pkg/api/stored';

function stamp<T extends KubeObject>(obj: T, namespace: string | undefined): T {
  const { name } = obj.metadata;
  if (!name) throw new Error('a stored object has a name');
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      ...(namespace !== undefined ? { namespace } : {}),
      uid: obj.metadata.uid ?? `uid-${name}`,
      resourceVersion: obj.metadata.resourceVersion ?? '1',
    },
  };
}

/** A cluster-scoped fixture as stored (uid `uid-<name>` and resourceVersion "1" unless set). */
export function stored<T extends KubeObject>(obj: T): Stored<T, 'Cluster'> {
  return stamp(obj, undefined) as Stored<T, 'Cluster'>;
}

/** A namespaced fixture as stored (also namespace `default` unless set). */
export function storedIn<T extends KubeObject>(obj: T): Stored<T, 'Namespaced'> {
  return stamp(obj, obj.metadata.namespace ?? 'default') as Stored<T, 'Namespaced'>;
}
