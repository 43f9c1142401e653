/** Objects and waits shared by the topology integration suites (three Ready nodes, WaitForFirstConsumer classes). */
import type { Pod, PodSpec } from '../../../pkg/api/core/v1';
import type { StorageClass } from '../../../pkg/api/storage/v1';
import type { Clientset } from '../../../pkg/client/clientset';
import { waitUntil } from './helpers';

/** The claim annotation the scheduler writes. */
export const Selected = 'volume.kubernetes.io/selected-node';
/** The suites' nodes. */
export const nodeNames = ['node-a', 'node-b', 'node-c'];

/** A WaitForFirstConsumer class (Retain) of `provisioner`. */
export function wffcClass(name: string, provisioner = 'kubestore.io/hostpath'): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** A busybox pod mounting `claims` (volumes v0, v1, …), with `extra` spec fields. */
export function podWith(ns: string, name: string, claims: string[], extra: Partial<PodSpec> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      containers: [{ name: 'c', image: 'busybox:latest', command: ['sleep', '3600'] }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
      ...extra,
    },
  };
}

/** Waits until pod `name` is scheduled; its node. */
export async function scheduledNode(client: Clientset, ns: string, name: string, timeoutMs: number): Promise<string> {
  let got = '';
  await waitUntil(
    async () => {
      got = (await client.pods.get(name, ns)).spec.nodeName ?? '';
      return got !== '';
    },
    timeoutMs,
    `pod ${name} scheduled`,
  );
  return got;
}
