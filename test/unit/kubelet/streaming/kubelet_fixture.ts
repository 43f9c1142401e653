/**
 * The streaming unit suites' kubelet: a kubelet server over a FakeRuntime with one running
 * container `app` of pod default/web, the pods looked up in `pods`.
 */
import type { Pod } from '../../../../pkg/api/core/v1';
import { silentLogger } from '../../../../pkg/log/logger';
import { Registry } from '../../../../pkg/metrics/registry';
import type { FakeRuntime } from '../../../../pkg/kubelet/runtime/fake/fake_runtime';
import { containerLabels, containerName } from '../../../../pkg/kubelet/runtime/interface';
import { startKubeletServer } from '../../../../pkg/kubelet/server';
import { pod } from '../fixtures';

/** A started streaming fixture. */
export interface StreamingKubelet {
  server: { port: number; stop(): Promise<void> };
  containerId: string;
}

/** Starts the kubelet server of the fixture, with pod default/web added to `pods`. */
export async function startStreamingKubelet(
  rt: FakeRuntime,
  pods: Map<string, Pod>,
  options: { streamingIdleTimeoutMs?: number } = {},
): Promise<StreamingKubelet> {
  const p = pod('web');
  pods.set('default/web', p);
  const ident = {
    podUid: p.metadata.uid ?? '',
    podNamespace: 'default',
    podName: 'web',
    containerName: 'app',
    attempt: 0,
  };
  const containerId = await rt.createContainer({
    name: containerName(ident),
    image: 'busybox',
    labels: containerLabels(ident),
    binds: [],
  });
  await rt.startContainer(containerId);
  const server = await startKubeletServer({
    address: '127.0.0.1',
    port: 0,
    runtime: rt,
    pod: (ns, name) => pods.get(`${ns}/${name}`),
    healthy: () => true,
    metrics: new Registry(),
    logger: silentLogger(),
    ...options,
  });
  return { server, containerId };
}
