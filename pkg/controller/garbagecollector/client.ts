/**
 * What the garbage collector asks of the apiserver, for any resource (consumer-defined, so unit
 * tests use a fake): a live GET, a JSON merge patch of metadata pinned to the uid and
 * resourceVersion it was computed from (a concurrent change is a 409 and the work is redone),
 * and a DELETE with a propagation policy and preconditions.
 */
import type { DeleteOptions, KubeObject, OwnerReference } from '../../api/meta';
import type { ResourceInfo, ScopedResourceInfo } from '../../api/resources';
import type { Stored } from '../../api/stored';
import { PatchType, ResourceClient } from '../../client/resource_client';
import type { RestClient } from '../../client/rest';

/** A metadata merge patch; `null` removes a list. uid and resourceVersion are preconditions. */
export interface MetadataPatch {
  uid: string;
  resourceVersion: string;
  ownerReferences?: OwnerReference[] | null;
  finalizers?: string[] | null;
}

/** The collector's client. */
export interface GCClient {
  /** The object as stored now (rejects with a NotFound StatusError when there is none). */
  get(resource: ResourceInfo, namespace: string | undefined, name: string): Promise<Stored<KubeObject>>;
  patchMetadata(
    resource: ResourceInfo,
    namespace: string | undefined,
    name: string,
    patch: MetadataPatch,
  ): Promise<void>;
  delete(resource: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<void>;
}

/** The GCClient over the REST client: one untyped ResourceClient per resource. */
export class RestGCClient implements GCClient {
  private readonly clients = new Map<string, ResourceClient<KubeObject>>();

  constructor(private readonly rest: RestClient) {}

  private client(r: ResourceInfo): ResourceClient<KubeObject> {
    const key = `${r.group}/${r.resource}`;
    let c = this.clients.get(key);
    if (!c) this.clients.set(key, (c = new ResourceClient<KubeObject>(this.rest, r as ScopedResourceInfo<boolean>)));
    return c;
  }

  get(resource: ResourceInfo, namespace: string | undefined, name: string): Promise<Stored<KubeObject>> {
    return this.client(resource).get(name, namespace);
  }

  async patchMetadata(
    resource: ResourceInfo,
    namespace: string | undefined,
    name: string,
    patch: MetadataPatch,
  ): Promise<void> {
    await this.client(resource).patch(name, namespace, PatchType.Merge, { metadata: patch });
  }

  async delete(
    resource: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): Promise<void> {
    await this.client(resource).delete(name, namespace, opts);
  }
}

/**
 * GETs asked once per object and shared for the reader's lifetime (one reconcile pass): a
 * dependent with many references to the same coordinates (10,000 forged references naming a
 * handful of objects) costs one GET per object, not one per reference.
 */
export function withSharedGets(client: Pick<GCClient, 'get'>): Pick<GCClient, 'get'> {
  const gets = new Map<string, Promise<Stored<KubeObject>>>();
  return {
    get(resource, namespace, name) {
      const key = JSON.stringify([resource.group, resource.resource, namespace ?? '', name]);
      let got = gets.get(key);
      if (!got) gets.set(key, (got = client.get(resource, namespace, name)));
      return got;
    },
  };
}
