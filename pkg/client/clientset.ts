/** One typed client per resource, sharing a RestClient (and its rate limiter). */
import type { ControllerRevision, StatefulSet } from '../api/apps/v1';
import type { Lease } from '../api/coordination/v1';
import type { Binding, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../api/core/v1';
import type { KubeObject } from '../api/meta';
import type { Stored } from '../api/stored';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac/v1';
import * as r from '../api/resources';
import type { StorageClass } from '../api/storage/v1';
import type { ClientConfig } from './config';
import { ResourceClient } from './resource_client';
import { RestClient } from './rest';

/** Typed clients of every resource this project serves. */
export class Clientset {
  readonly rest: RestClient;
  readonly namespaces: ResourceClient<Namespace, 'Cluster'>;
  readonly nodes: ResourceClient<Node, 'Cluster'>;
  readonly pods: ResourceClient<Pod, 'Namespaced'>;
  readonly persistentVolumes: ResourceClient<PersistentVolume, 'Cluster'>;
  readonly persistentVolumeClaims: ResourceClient<PersistentVolumeClaim, 'Namespaced'>;
  readonly events: ResourceClient<Event, 'Namespaced'>;
  readonly storageClasses: ResourceClient<StorageClass, 'Cluster'>;
  readonly leases: ResourceClient<Lease, 'Namespaced'>;
  readonly statefulSets: ResourceClient<StatefulSet, 'Namespaced'>;
  readonly controllerRevisions: ResourceClient<ControllerRevision, 'Namespaced'>;
  readonly clusterRoles: ResourceClient<ClusterRole, 'Cluster'>;
  readonly clusterRoleBindings: ResourceClient<ClusterRoleBinding, 'Cluster'>;
  readonly roles: ResourceClient<Role, 'Namespaced'>;
  readonly roleBindings: ResourceClient<RoleBinding, 'Namespaced'>;

  constructor(config: ClientConfig) {
    this.rest = new RestClient(config);
    this.namespaces = new ResourceClient(this.rest, r.namespaces);
    this.nodes = new ResourceClient(this.rest, r.nodes);
    this.pods = new ResourceClient(this.rest, r.pods);
    this.persistentVolumes = new ResourceClient(this.rest, r.persistentVolumes);
    this.persistentVolumeClaims = new ResourceClient(this.rest, r.persistentVolumeClaims);
    this.events = new ResourceClient(this.rest, r.events);
    this.storageClasses = new ResourceClient(this.rest, r.storageClasses);
    this.leases = new ResourceClient(this.rest, r.leases);
    this.statefulSets = new ResourceClient(this.rest, r.statefulSets);
    this.controllerRevisions = new ResourceClient(this.rest, r.controllerRevisions);
    this.clusterRoles = new ResourceClient(this.rest, r.clusterRoles);
    this.clusterRoleBindings = new ResourceClient(this.rest, r.clusterRoleBindings);
    this.roles = new ResourceClient(this.rest, r.roles);
    this.roleBindings = new ResourceClient(this.rest, r.roleBindings);
  }

  /**
   * The clients of every namespaced resource (what a namespace can contain). Workload
   * controllers come first, so that a namespace being emptied stops recreating their pods.
   */
  namespacedResources(): ResourceClient<KubeObject>[] {
    return [
      this.statefulSets,
      this.controllerRevisions,
      this.pods,
      this.persistentVolumeClaims,
      this.events,
      this.leases,
      this.roleBindings,
      this.roles,
    ] as ResourceClient<KubeObject>[];
  }

  /** Writes a namespace's spec.finalizers through namespaces/finalize. */
  finalizeNamespace(ns: Namespace): Promise<Stored<Namespace, 'Cluster'>> {
    return this.rest.request('PUT', this.namespaces.path(undefined, ns.metadata.name, 'finalize'), { body: ns });
  }

  /** Assigns a pod to a node through pods/binding. */
  async bindPod(namespace: string, name: string, nodeName: string): Promise<void> {
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    await this.rest.request('POST', this.pods.path(namespace, name, 'binding'), { body: binding });
  }

  close(): void {
    this.rest.close();
  }
}
