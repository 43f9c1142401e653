/**
 * hack/local-up-cluster.sh as a newcomer runs it: `--detach` brings up a two-node cluster on
 * private ports and directories, pods run on both nodes, and `--down` stops the components and
 * removes exactly the pod containers those nodes' kubelets created (the kubelet's labels
 * io.kubernetes.pod.uid + io.kubestore.node), never another container: one with only the node
 * label and one with no labels keep running.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { freePort } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { docker, skipWithoutDocker } from '../kubelet/support';

const root = path.resolve(__dirname, '../../../..');

function sh(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout = 180_000,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: root, env, timeout }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A free port whose next port is free too (etcd's peer port, the second kubelet). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p < 65535 && (await bindable(p + 1))) return p;
  }
}

describe('e2e/cmd: hack/local-up-cluster.sh --down', function () {
  this.timeout(300_000);
  const prefix = `lu${Math.random().toString(36).slice(2, 8)}`;
  const nodes = [`${prefix}-1`, `${prefix}-2`];
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const bystanders: string[] = [];

  const kubeletContainers = async (node: string) =>
    (
      await docker([
        'ps',
        '-aq',
        '--filter',
        'label=io.kubernetes.pod.uid',
        '--filter',
        `label=io.kubestore.node=${node}`,
      ])
    )
      .split('\n')
      .filter(Boolean);

  before(async function () {
    skipWithoutDocker(this);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-luc-'));
    env = {
      ...process.env,
      KUBESTORE_SKIP_BUILD: '1',
      KUBESTORE_DATA_DIR: path.join(dir, 'data'),
      KUBESTORE_RUN_DIR: path.join(dir, 'run'),
      ETCD_PORT: String(await freePortPair()),
      API_SECURE_PORT: String(await freePort()),
      CM_PORT: String(await freePort()),
      KUBELET_PORT: String(await freePortPair()),
      NUM_NODES: '2',
      NODE_NAME: prefix,
      SNAPSHOT_CRDS_DIR: path.join(dir, 'no-crds'),
      LOGGING_FORMAT: 'text',
    };
  });

  after(async () => {
    if (!dir) return;
    await sh('hack/local-up-cluster.sh', ['--down'], env);
    for (const id of bystanders) await docker(['rm', '-f', id]).catch(() => undefined);
    for (const node of nodes) {
      const left = await kubeletContainers(node).catch(() => []);
      if (left.length) await docker(['rm', '-f', ...left]).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('--down removes the pod containers of every node it started and nothing else', async () => {
    const up = await sh('hack/local-up-cluster.sh', ['--detach'], env);
    expect(up.code, up.out).to.equal(0);
    const kubeconfig = path.join(dir, 'run', 'kubeconfig');
    const pods = nodes.map((node, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `sleeper-${i}`, namespace: 'default' },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] }],
      },
    }));
    const created = await new Promise<string>((resolve, reject) => {
      const p = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, 'create', '--validate=false', '-f', '-'],
        (err, out, errOut) => (err ? reject(new Error(errOut || err.message)) : resolve(out)),
      );
      p.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
    });
    expect(created).to.contain('sleeper-1');
    for (const node of nodes)
      await waitFor(async () => (await kubeletContainers(node)).length > 0, 60_000, `a pod container on ${node}`);
    // The component logs are in the text format asked for (LOGGING_FORMAT=text).
    const log = await sh('cat', [path.join(dir, 'run', 'kube-apiserver.log')], env);
    expect(log.out).to.match(/^I\d{4} [\d:.]+ kube-apiserver\] "/m);

    bystanders.push(
      (
        await docker(['run', '-d', '--label', `io.kubestore.node=${nodes[0]}`, 'busybox:latest', 'sleep', '600'])
      ).trim(),
    );
    bystanders.push((await docker(['run', '-d', 'busybox:latest', 'sleep', '600'])).trim());

    const down = await sh('hack/local-up-cluster.sh', ['--down'], env);
    expect(down.code, down.out).to.equal(0);
    expect(down.out).to.match(/removing 1 pod container\(s\) of node /);
    for (const node of nodes) expect(await kubeletContainers(node), node).to.deep.equal([]);
    for (const id of bystanders)
      expect((await docker(['inspect', '-f', '{{.State.Running}}', id])).trim(), `bystander ${id}`).to.equal('true');
  });
});
