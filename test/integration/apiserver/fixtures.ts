/** Objects used across apiserver tests. */

export function pvc(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, ...(extra.metadata as object) },
    spec: {
      storageClassName: 'hostPath',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '500Mi' } },
      ...(extra.spec as object),
    },
  };
}

export function pv(
  name: string,
  extra: { path?: string; storage?: string; labels?: Record<string, string> } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      capacity: { storage: extra.storage ?? '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: extra.path ?? `/tmp/kubestore-test/${name}` },
      storageClassName: 'hostPath',
    },
  };
}

export const pvcPath = (ns: string, name = ''): string =>
  `/api/v1/namespaces/${ns}/persistentvolumeclaims${name ? `/${name}` : ''}`;
export const pvPath = (name = ''): string => `/api/v1/persistentvolumes${name ? `/${name}` : ''}`;
