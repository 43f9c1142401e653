/** The objects the benchmarks create, and their API paths. */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../pkg/api/core/v1';

/** Path of the PVC collection of a namespace (or one claim). */
export const pvcPath = (ns: string, name = ''): string =>
  `/api/v1/namespaces/${ns}/persistentvolumeclaims${name ? `/${name}` : ''}`;
/** Path of the PV collection (or one volume). */
export const pvPath = (name = ''): string => `/api/v1/persistentvolumes${name ? `/${name}` : ''}`;
/** Path of the pod collection of a namespace (or one pod). */
export const podPath = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/pods${name ? `/${name}` : ''}`;

/** Zero-padded name `<prefix>-00042`. */
export function seqName(prefix: string, i: number, width = 5): string {
  return `${prefix}-${String(i).padStart(width, '0')}`;
}

/** A claim (1Gi, ReadWriteOnce) of `storageClassName`, optionally naming its volume. */
export function pvc(
  name: string,
  o: { storageClassName: string; volumeName?: string; storage?: string; labels?: Record<string, string> },
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      storageClassName: o.storageClassName,
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: o.storage ?? '1Gi' } },
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

/** A static hostPath volume (Retain, so nothing is ever deleted) of `storageClassName`. */
export function hostPathPV(
  name: string,
  o: { storageClassName: string; path: string; storage?: string },
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: o.storage ?? '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: o.storageClassName,
      hostPath: { path: o.path, type: 'DirectoryOrCreate' },
    },
  };
}

/** A busybox `sleep 3600` pod on `nodeName` mounting `claimName` at /data. */
export function sleepPod(name: string, o: { nodeName: string; claimName: string; image?: string }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: o.nodeName,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'sleep',
          image: o.image ?? 'busybox:latest',
          imagePullPolicy: 'Never',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: o.claimName } }],
    },
  };
}
