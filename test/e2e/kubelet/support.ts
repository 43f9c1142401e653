/**
 * Shared pieces of the kubelet e2e tests: object builders (sent to the real kubectl as JSON),
 * Docker queries by the kubelet's container labels, and waits on logs and events.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Container, PersistentVolume, PersistentVolumeClaim, Pod } from '../../../pkg/api/core/v1';
import { removeNodeContainers, TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';

/** Skips the suite (with a printed reason) when dockerd is not usable here. */
export function skipWithoutDocker(ctx: Mocha.Context): void {
  if (process.env.KUBESTORE_DOCKER === '0') {
    console.log('    skipped: dockerd is not usable on this machine (KUBESTORE_DOCKER=0)');
    ctx.skip();
  }
}

/** Runs docker; rejects with its stderr on failure. */
export function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr.toString() || err.message}`));
      else resolve(stdout.toString());
    });
  });
}

/** A container of the test node, as `docker ps` shows it. */
export interface NodeContainer {
  id: string;
  pod: string;
  podUid: string;
  container: string;
  attempt: string;
  state: string;
}

/** The node's containers (`all`: stopped and created ones too), by the kubelet's labels. */
export async function nodeContainers(node: string, all = false): Promise<NodeContainer[]> {
  const format = [
    '{{.ID}}',
    '{{.Label "io.kubernetes.pod.name"}}',
    '{{.Label "io.kubernetes.pod.uid"}}',
    '{{.Label "io.kubernetes.container.name"}}',
    '{{.Label "io.kubestore.container.attempt"}}',
    '{{.State}}',
  ].join('\t');
  const out = await docker([
    'ps',
    ...(all ? ['-a'] : []),
    '--no-trunc',
    '--filter',
    `label=io.kubestore.node=${node}`,
    '--format',
    format,
  ]);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [id = '', pod = '', podUid = '', container = '', attempt = '', state = ''] = l.split('\t');
      return { id, pod, podUid, container, attempt, state };
    });
}

/** Options of `podObject`. */
export interface PodOptions {
  /** Shell script run by `sh -c`. */
  script: string;
  claim?: string;
  mountPath?: string;
  readOnly?: boolean;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** terminationGracePeriodSeconds (default 1: `sh` as PID 1 ignores SIGTERM, so keep deletes quick). */
  grace?: number;
  /** Placed on this node directly (the scheduler is bypassed, as `spec.nodeName` does in Kubernetes). */
  nodeName?: string;
}

/** A one-container busybox pod running `sh -c script`, optionally mounting a claim. */
export function podObject(name: string, o: PodOptions): Pod {
  const container: Container = {
    name: 'main',
    image: o.image ?? 'busybox:latest',
    command: ['sh', '-c', o.script],
    ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
    ...(o.claim
      ? {
          volumeMounts: [
            { name: 'data', mountPath: o.mountPath ?? '/data', ...(o.readOnly ? { readOnly: true } : {}) },
          ],
        }
      : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [container],
      terminationGracePeriodSeconds: o.grace ?? 1,
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
      ...(o.claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: o.claim } }] } : {}),
    },
  };
}

/** A claim of `storageClassName` (dynamically provisioned by the controller-manager). */
export function claimObject(
  name: string,
  storageClassName = 'hostPath',
  accessModes: string[] = ['ReadWriteOnce'],
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      storageClassName,
      accessModes: accessModes as PersistentVolumeClaim['spec']['accessModes'],
      resources: { requests: { storage: '10Mi' } },
    },
  };
}

/** `kubectl create` of objects (client-side validation off until the OpenAPI lands). */
export async function create(c: TestCluster, ...objects: object[]): Promise<string> {
  const body = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
  return c.ok(['create', '--validate=false', '-f', '-'], JSON.stringify(body));
}

/** Waits until `kubectl logs pod` (extra args allowed) matches; returns the logs. */
export async function waitLogs(c: TestCluster, args: string[], want: RegExp, timeoutMs = 60_000): Promise<string> {
  let last = '';
  await waitFor(
    async () => {
      const r = await c.kubectl(['logs', ...args]);
      last = r.code === 0 ? r.stdout : `(exit ${r.code}) ${r.stderr}`;
      return r.code === 0 && want.test(r.stdout);
    },
    timeoutMs,
    () => `kubectl logs ${args.join(' ')} to match ${String(want)} (last: ${last})`,
  );
  return last;
}

/** The events of a pod as `reason: message` lines. */
export async function podEvents(c: TestCluster, pod: string): Promise<string[]> {
  const out = await c.ok([
    'get',
    'events',
    '--field-selector',
    `involvedObject.name=${pod}`,
    '-o',
    'jsonpath={range .items[*]}{.type} {.reason}: {.message}{"\\n"}{end}',
  ]);
  return out.split('\n').filter((l) => l.trim());
}

/** Waits until the object named `pod` (a pod, a claim) has an event matching `want`; returns the matching line. */
export async function waitEvent(c: TestCluster, pod: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
  let lines: string[] = [];
  await waitFor(
    async () => {
      lines = await podEvents(c, pod);
      return lines.some((l) => want.test(l));
    },
    timeoutMs,
    () => `an event of ${pod} matching ${String(want)} (have: ${lines.join(' | ')})`,
  );
  return lines.find((l) => want.test(l)) ?? '';
}

/**
 * Waits until `kubectl auth can-i <can>` as `kubeconfig` answers yes. RBAC reads the
 * apiserver's watch cache, which may trail a Role or binding just written (Kubernetes: an
 * informer); a SelfSubjectAccessReview asks the same authorizer.
 */
export async function waitCanI(c: TestCluster, kubeconfig: string, can: string[], timeoutMs = 30_000): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const r = await c.kubectl(['auth', 'can-i', ...can], undefined, kubeconfig);
      last = (r.stdout || r.stderr).trim();
      return last === 'yes';
    },
    timeoutMs,
    () => `kubectl auth can-i ${can.join(' ')} to say yes (last: ${last})`,
  );
}

/** Waits until the pod is Ready; returns its uid. */
export async function waitReady(c: TestCluster, pod: string, timeoutMs = 60_000): Promise<string> {
  await c.waitJsonpath(['get', 'pod', pod], '{.status.conditions[?(@.type=="Ready")].status}', 'True', timeoutMs);
  return c.ok(['get', 'pod', pod, '-o', 'jsonpath={.metadata.uid}']);
}

/** The host directory of the PV bound to `claim`. */
export async function claimHostDir(c: TestCluster, claim: string): Promise<string> {
  const pv = await c.waitJsonpath(['get', 'pvc', claim], '{.spec.volumeName}', /.+/);
  const hostPath = await c.ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']);
  if (hostPath) return hostPath;
  throw new Error(`PV ${pv} of claim ${claim} has no hostPath`);
}

/**
 * Stops the cluster and removes the node's containers; removes the cluster's temp directory
 * too unless a test failed (then its component logs stay for a look, and the path is printed).
 */
export async function teardown(c: TestCluster | undefined, failed: boolean): Promise<void> {
  if (!c) return;
  await c.down();
  for (const node of c.nodeNames) await removeNodeContainers(node);
  if (failed) console.log(`      (component logs kept in ${c.dir})`);
  else rmSync(c.dir, { recursive: true, force: true });
}

/**
 * Registers a suite's hooks around one cluster with `numNodes` kubelets (default 1): skipped
 * without Docker, the kubelets' log tails printed after a failed test, component logs kept when
 * anything failed. `set` receives the cluster once it is up.
 */
export function useKubeletCluster(set: (c: TestCluster) => void, numNodes = 1): void {
  let c: TestCluster | undefined;
  let failed = false;
  before(async function () {
    skipWithoutDocker(this);
    c = new TestCluster({ kubelet: true, numNodes });
    set(c);
    await c.up();
  });
  after(() => teardown(c, failed));
  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !c) return;
    failed = true;
    for (const node of c.nodeNames)
      console.log(`--- ${c.kubeletName(node)} log tail ---\n${c.logTail(c.kubeletName(node), 40)}`);
  });
}

/** A 1Gi `local-storage` PV at `dir`, pinned to `node` by nodeAffinity (Kubernetes requires one). */
export function localPv(name: string, node: string, dir: string): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'local-storage',
      local: { path: dir },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      },
    },
  };
}
