/**
 * The kubelet side of the benchmarks that run real pods: the docker CLI, removal of what a
 * benchmark's node left behind, and a kubelet binary on a bench cluster waited until its Node
 * is Ready.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Node } from '../../../pkg/api/core/v1';
import type { BenchCluster } from './cluster';
import { Component } from './procs';
import { waitUntil } from './stats';

/** Runs the docker CLI; rejects with its stderr's first words. */
export function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr.toString().trim() || err.message}`));
      else resolve(stdout.toString().trim());
    });
  });
}

/** Removes every container carrying one of `labels` (`key=value`). */
export async function removeContainers(labels: string[]): Promise<void> {
  for (const label of labels) {
    const ids = (await docker(['ps', '-aq', '--filter', `label=${label}`]).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]).catch(() => '');
  }
}

/** The docker label the kubelet puts on the containers of `nodeName`'s pods. */
export const nodeContainerLabel = (nodeName: string): string => `io.kubestore.node=${nodeName}`;

async function nodeReady(c: BenchCluster, nodeName: string): Promise<boolean> {
  const res = await c.client.raw<Node>('GET', `/api/v1/nodes/${nodeName}`);
  return (
    res.status === 200 && (res.body.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True')
  );
}

/** Starts the kubelet binary as `nodeName` on the cluster's apiserver and waits for its Node to be Ready. */
export async function startKubelet(c: BenchCluster, nodeName: string): Promise<Component> {
  const kubelet = new Component(
    'kubelet',
    'kubelet',
    [
      `--master=${c.api.url}`,
      `--node-name=${nodeName}`,
      `--root-dir=${path.join(c.dir, 'kubelet')}`,
      '--port=0',
      '--node-status-update-frequency=2s',
    ],
    c.dir,
  );
  await waitUntil(
    async () => {
      if (!kubelet.alive) throw new Error(`kubelet exited:\n${kubelet.logTail()}`);
      return nodeReady(c, nodeName);
    },
    60_000,
    `node ${nodeName} Ready`,
    100,
  );
  return kubelet;
}
