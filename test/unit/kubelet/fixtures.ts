/**
 * Fixtures of the kubelet unit tests: object builders (pods, claims, PVs), a recording event
 * recorder, a recording pod writer, an in-memory claim/PV "cache", and a spy volume setter.
 */
import type {
  Container,
  EventType,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodStatus,
} from '../../../pkg/api/core/v1';
import type { KubeObject } from '../../../pkg/api/meta';
import type { Stored } from '../../../pkg/api/stored';
import { stored, storedIn } from '../../helpers/stored';
import type { EventRecorder } from '../../../pkg/client/record/recorder';
import type { DeepReadonly } from '../../../pkg/util/immutable/deep_readonly';
import type { PodWriter } from '../../../pkg/kubelet/pod_sync';
import type { VolumeListers } from '../../../pkg/kubelet/volumemanager/populator';
import type { VolumePublisher } from '../../../pkg/kubelet/volumemanager/reconciler';

/** A pod in `default` with the given containers, PVC volumes (volume name → claim) and uid. */
export function pod(
  name: string,
  opts: {
    uid?: string;
    containers?: Container[];
    claims?: Record<string, string | { claimName: string; readOnly: boolean }>;
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  } = {},
): Stored<Pod, 'Namespaced'> {
  const volumes = Object.entries(opts.claims ?? {}).map(([vol, c]) => ({
    name: vol,
    persistentVolumeClaim: typeof c === 'string' ? { claimName: c } : c,
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: opts.uid ?? `uid-${name}-0000-0000`, resourceVersion: '1' },
    spec: {
      containers: opts.containers ?? [{ name: 'app', image: 'busybox:latest', command: ['sleep', '3600'] }],
      ...(volumes.length ? { volumes } : {}),
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
      nodeName: 'node-a',
      terminationGracePeriodSeconds: 30,
    },
    status: { phase: 'Pending' },
  };
}

/** The Node object of the kubelet under test (node-a, labelled as the kubelet labels it, plus `labels`). */
export function kubeletNode(name = 'node-a', labels: Record<string, string> = {}): Stored<Node, 'Cluster'> {
  return stored<Node>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  });
}

/** A required node affinity: label `kubernetes.io/hostname` In `nodes`. */
export function pinnedTo(...nodes: string[]): NonNullable<PersistentVolume['spec']['nodeAffinity']> {
  return {
    required: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: nodes }] }],
    },
  };
}

/** A claim in `default`: bound to `volumeName` when given, else Pending. */
export function claim(
  name: string,
  volumeName?: string,
  extra: { deleting?: boolean } = {},
): Stored<PersistentVolumeClaim, 'Namespaced'> {
  return storedIn<PersistentVolumeClaim>({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: 'default',
      uid: `claim-${name}`,
      ...(extra.deleting
        ? { deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['kubernetes.io/pvc-protection'] }
        : {}),
    },
    spec: { storageClassName: 'hostPath', ...(volumeName ? { volumeName } : {}) },
    status: { phase: volumeName ? 'Bound' : 'Pending' },
  });
}

/** A hostPath PV. */
export function hostPathPv(name: string, dir: string): Stored<PersistentVolume, 'Cluster'> {
  return stored<PersistentVolume>({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { hostPath: { path: dir }, capacity: { storage: '1Gi' } },
    status: { phase: 'Bound' },
  });
}

/** An NFS PV on a remote server (so the plugin mounts it). */
export function nfsPv(
  name: string,
  server = '10.0.0.9',
  exported = `/exports/${name}`,
): Stored<PersistentVolume, 'Cluster'> {
  return stored<PersistentVolume>({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { nfs: { server, path: exported }, capacity: { storage: '1Gi' } },
    status: { phase: 'Bound' },
  });
}

/** The claim and PV "caches" the populator reads. */
export class FakeCache implements VolumeListers {
  readonly claims = new Map<string, Stored<PersistentVolumeClaim, 'Namespaced'>>();
  readonly volumes = new Map<string, Stored<PersistentVolume, 'Cluster'>>();

  add(...objs: (Stored<PersistentVolumeClaim, 'Namespaced'> | Stored<PersistentVolume, 'Cluster'>)[]): this {
    for (const o of objs) {
      if (o.kind === 'PersistentVolume')
        this.volumes.set(o.metadata.name ?? '', o as Stored<PersistentVolume, 'Cluster'>);
      else
        this.claims.set(
          `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`,
          o as Stored<PersistentVolumeClaim, 'Namespaced'>,
        );
    }
    // A PV without a claimRef gets one pointing at the claim naming it, as the binder leaves them
    // (the populator mounts a PV only for the claim it points back at).
    for (const c of this.claims.values()) {
      const pv = c.spec.volumeName ? this.volumes.get(c.spec.volumeName) : undefined;
      if (pv && !pv.spec.claimRef)
        pv.spec.claimRef = {
          kind: 'PersistentVolumeClaim',
          namespace: c.metadata.namespace,
          name: c.metadata.name,
          uid: c.metadata.uid,
        };
    }
    return this;
  }

  claim(key: string): DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>> | undefined {
    return this.claims.get(key);
  }

  volume(name: string): DeepReadonly<Stored<PersistentVolume, 'Cluster'>> | undefined {
    return this.volumes.get(name);
  }
}

/** One recorded event. */
export interface RecordedEvent {
  object: string;
  type: EventType;
  reason: string;
  message: string;
}

/** An EventRecorder that remembers what it was told. */
export class RecordingRecorder implements EventRecorder {
  readonly events: RecordedEvent[] = [];

  event(obj: DeepReadonly<KubeObject>, type: EventType, reason: string, message: string): void {
    this.events.push({ object: `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, type, reason, message });
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

/** A PodWriter that remembers patches and deletions; `failConfirm` makes the next confirm throw. */
export class RecordingPodWriter implements PodWriter {
  readonly statuses: PodStatus[] = [];
  readonly confirmed: { namespace: string; name: string; uid: string }[] = [];
  failConfirm: Error | undefined;

  async patchStatus(_namespace: string, _name: string, status: PodStatus): Promise<void> {
    this.statuses.push(structuredClone(status));
  }

  async confirmDeletion(namespace: string, name: string, uid: string): Promise<void> {
    const err = this.failConfirm;
    this.failConfirm = undefined;
    if (err) throw err;
    this.confirmed.push({ namespace, name, uid });
  }

  /** The last status patched. */
  last(): PodStatus {
    const s = this.statuses[this.statuses.length - 1];
    if (!s) throw new Error('no status was patched');
    return s;
  }
}

/**
 * A VolumePublisher that "mounts" PV `p` at `<base>/<p>` without touching the disk; it records every
 * call and can be told to fail setUp/tearDown for a PV a number of times.
 */
export class SpyVolumeSetter implements VolumePublisher {
  readonly calls: { op: 'setUp' | 'tearDown'; pv: string; podUid: string; readOnly: boolean }[] = [];
  readonly failSetUp = new Map<string, { times: number; message: string }>();
  readonly failTearDown = new Map<string, number>();

  constructor(private readonly base = '/var/lib/fake-volumes') {}

  async publishVolume(
    pv: PersistentVolume,
    ctx: { podUid: string; rootDir: string; readOnly: boolean },
  ): Promise<{ hostPath: string }> {
    const name = pv.metadata.name ?? '';
    this.calls.push({ op: 'setUp', pv: name, podUid: ctx.podUid, readOnly: ctx.readOnly });
    const f = this.failSetUp.get(name);
    if (f && f.times > 0) {
      f.times--;
      throw new Error(f.message);
    }
    return { hostPath: `${this.base}/${name}` };
  }

  async unpublishVolume(
    pv: PersistentVolume,
    ctx: { podUid: string; rootDir: string; readOnly: boolean },
  ): Promise<void> {
    const name = pv.metadata.name ?? '';
    this.calls.push({ op: 'tearDown', pv: name, podUid: ctx.podUid, readOnly: ctx.readOnly });
    const n = this.failTearDown.get(name) ?? 0;
    if (n > 0) {
      this.failTearDown.set(name, n - 1);
      throw new Error(`fake: cannot tear down ${name}`);
    }
  }

  ops(op: 'setUp' | 'tearDown'): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => `${c.pv}@${c.podUid}`);
  }
}
