/**
 * Node lifecycle: registers this node (capacity, addresses, kubelet endpoint, Ready condition),
 * renews its Lease in kube-node-lease every `heartbeatMs`, and reports NotReady (with an event)
 * while the container runtime is unreachable. A failed heartbeat never crashes the kubelet.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import type { Lease } from '../api/coordination/v1';
import type { Node, NodeCondition } from '../api/core/v1';
import { EventType } from '../api/core/v1';
import { isNotFound } from '../api/errors';
import type { Clientset } from '../client/clientset';
import type { EventRecorder } from '../client/record/recorder';
import type { ContainerRuntime } from './runtime/interface';
import { microTime, rfc3339 } from '../api/time';
import { jitterUntil } from '../util/wait';
import { machineInfo } from './node_info';

/** Options of the node status manager. */
export interface NodeStatusOptions {
  client: Clientset;
  nodeName: string;
  hostIP: string;
  kubeletPort: number;
  runtime: ContainerRuntime;
  recorder: EventRecorder;
  logger: Logger;
  heartbeatMs?: number;
  leaseDurationSeconds?: number;
}

/** Keeps the Node object and its Lease current. */
export class NodeStatusManager {
  private ready: boolean | undefined;
  private readyMessage = '';
  private lastStatusWrite = 0;
  /** The machine's facts (os-release, machine-id, boot id), read once. */
  private readonly machine = machineInfo();

  constructor(private readonly o: NodeStatusOptions) {}

  private async runtimeReady(): Promise<boolean> {
    try {
      await this.o.runtime.ping();
      this.readyMessage = 'kubelet is posting ready status';
      return true;
    } catch (err) {
      this.readyMessage = `container runtime is down: ${(err as Error).message}`;
      return false;
    }
  }

  private status(ready: boolean, previous?: NodeCondition): Node['status'] {
    const now = rfc3339();
    const status = ready ? 'True' : 'False';
    return {
      capacity: { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: '110' },
      allocatable: { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status,
          lastHeartbeatTime: now,
          lastTransitionTime:
            previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now,
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: this.readyMessage,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: this.o.hostIP },
        // As a kubelet with --hostname-override: the node's name (nodes may share this machine).
        { type: 'Hostname', address: this.o.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: this.o.kubeletPort } },
      nodeInfo: {
        kubeletVersion: 'v1.32.0-kubestore',
        kubeProxyVersion: '',
        ...this.machine,
        containerRuntimeVersion: 'docker',
      },
    };
  }

  /** Registers (or refreshes) the Node object. */
  async register(): Promise<void> {
    const ready = await this.runtimeReady();
    const nodes = this.o.client.nodes;
    try {
      const cur = await nodes.get(this.o.nodeName);
      const prev = cur.status?.conditions?.find((c) => c.type === 'Ready');
      await nodes.updateStatus({ ...cur, status: this.status(ready, prev) });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const created = await nodes.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: this.o.nodeName,
          labels: { 'kubernetes.io/hostname': this.o.nodeName, 'kubernetes.io/os': 'linux' },
        },
        spec: {},
      });
      await nodes.updateStatus({ ...created, status: this.status(ready) });
    }
    this.ready = ready;
    this.lastStatusWrite = Date.now();
  }

  /** One heartbeat: runtime check, node status when it changed (or every minute), lease renew. */
  async heartbeat(): Promise<void> {
    const ready = await this.runtimeReady();
    if (ready !== this.ready || Date.now() - this.lastStatusWrite > 60_000) {
      const cur = await this.o.client.nodes.get(this.o.nodeName);
      const prev = cur.status?.conditions?.find((c) => c.type === 'Ready');
      await this.o.client.nodes.updateStatus({ ...cur, status: this.status(ready, prev) });
      if (this.ready !== undefined && ready !== this.ready) {
        this.o.recorder.event(
          cur,
          ready ? EventType.Normal : EventType.Warning,
          ready ? 'NodeReady' : 'NodeNotReady',
          `Node ${this.o.nodeName} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'} (${this.readyMessage})`,
        );
      }
      this.ready = ready;
      this.lastStatusWrite = Date.now();
    }
    await this.renewLease();
  }

  private async renewLease(): Promise<void> {
    const leases = this.o.client.leases;
    const spec = {
      holderIdentity: this.o.nodeName,
      leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40,
      renewTime: microTime(),
    };
    try {
      const cur = await leases.get(this.o.nodeName, 'kube-node-lease');
      await leases.update({ ...cur, spec: { ...cur.spec, ...spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.nodeName, namespace: 'kube-node-lease' },
        spec,
      };
      await leases.create(lease);
    }
  }

  /** Heartbeats until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await jitterUntil(
      async () => {
        try {
          await this.heartbeat();
        } catch (err) {
          this.o.logger.warn({ err: (err as Error).message }, 'node heartbeat failed');
        }
      },
      { periodMs: this.o.heartbeatMs ?? 10_000, signal },
    );
  }
}
