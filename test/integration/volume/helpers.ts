/** Helpers of the volume-driver integration tests: an in-process kubelet on a fake runtime, and a pod using a claim. */
import type { Pod } from '../../../pkg/api/core/v1';
import { run as runKubelet } from '../../../pkg/kubelet/kubelet';
import type { ContainerRuntime } from '../../../pkg/kubelet/runtime/interface';
import { silentLogger } from '../../../pkg/log/logger';
import type { NodeDrivers } from '../../../pkg/volume/node_drivers';

/** A kubelet running in this process. */
export interface InProcessKubelet {
  /** Aborts it and waits until it has stopped. */
  stop(): Promise<void>;
}

/** Starts a kubelet of node `nodeName` (default node-a) against `url` with these drivers and runtime. */
export function startKubelet(o: {
  url: string;
  rootDir: string;
  runtime: ContainerRuntime;
  drivers: NodeDrivers;
  nodeName?: string;
  /** --volume-stats-agg-period (default: the kubelet's 60 s). */
  volumeStatsPeriodMs?: number;
}): InProcessKubelet {
  const ac = new AbortController();
  const done = runKubelet(
    {
      client: { server: o.url, qps: 0 },
      nodeName: o.nodeName ?? 'node-a',
      rootDir: o.rootDir,
      hostIP: '127.0.0.1',
      runtime: o.runtime,
      drivers: o.drivers,
      networkMode: 'none',
      bindAddress: '127.0.0.1',
      port: 0,
      workers: 2,
      heartbeatMs: 500,
      logger: silentLogger(),
      ...(o.volumeStatsPeriodMs !== undefined ? { volumeStatsPeriodMs: o.volumeStatsPeriodMs } : {}),
    },
    ac.signal,
  );
  return {
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

/** A pod `name` on `nodeName` (default node-a) whose one container mounts claim `claimName` at /data. */
export function podUsingClaim(namespace: string, name: string, claimName: string, nodeName = 'node-a'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName,
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'd', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }],
    },
  };
}
