/**
 * The NodeRestriction admission plugin, as Kubernetes': what a kubelet (`system:node:<name>`,
 * group `system:nodes`) writes is limited to its own objects, checked against the object
 * itself (the Node authorizer decides on names and its graph; this plugin sees the body and
 * the stored object, so it also covers creates, whose name is only in the body):
 *
 *   nodes     create/update/patch/delete only of its own Node; it may not set or change labels
 *             under node-restriction.kubernetes.io/ (administrators use them to place
 *             workloads on trusted nodes).
 *   pods      no create (this cluster runs no mirror pods); no update of the pod itself;
 *             status writes and deletes only of pods whose spec.nodeName is the node (a
 *             delete is pinned to the checked pod's uid).
 *   leases    only kube-node-lease/<its name>.
 *   persistentvolumeclaims/status  an update may change only status.capacity, conditions,
 *             allocatedResources and allocatedResourceStatuses (finishing an expansion); the
 *             Node authorizer already limits it to claims of the node's pods.
 *
 * Other users, and other resources, pass. Each refusal is a 403 Forbidden Status worded as
 * Kubernetes'. On by default; `--disable-admission-plugins=NodeRestriction` turns it off.
 */
import type { Node, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { semanticEqual } from '../../api/validation/equality';
import { forbidden, type StatusError } from '../../api/errors';
import type { DeleteOptions, KubeObject } from '../../api/meta';
import { requestUser } from '../authentication/request';
import { nodeNameOf, type UserInfo } from '../authentication/user';
import type { DeleteAttempt, WriteAttempt } from '../handlers/resource';
import type { RequestInfo } from '../request_info';

/** The plugin's name, as `--disable-admission-plugins` spells it. */
export const NodeRestriction = 'NodeRestriction';

const nodeLeaseNamespace = 'kube-node-lease';
const restrictedLabelDomain = 'node-restriction.kubernetes.io';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** The resource a write or delete touches, and who asks. */
export interface NodeRestrictionTarget {
  user: UserInfo;
  group: string;
  resource: string;
  subresource?: string;
  /** The request's namespace ('' for cluster-scoped resources). */
  namespace: string;
}

/** A create, update or patch about to be written. */
export interface NodeRestrictionWrite extends NodeRestrictionTarget {
  verb: 'create' | 'update' | 'patch';
  obj: KubeObject;
  /** The stored object (update and patch). */
  old?: KubeObject;
}

/** A delete (or deletecollection, without a name) about to be carried out. */
export interface NodeRestrictionDelete extends NodeRestrictionTarget {
  /** '' for deletecollection. */
  name: string;
  opts: DeleteOptions;
  /** Reads the stored object (a 404 StatusError when it is gone). */
  current(): Promise<KubeObject>;
}

/** True for a label key in the node-restriction.kubernetes.io domain (or a subdomain of it). */
export function isRestrictedNodeLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return domain === restrictedLabelDomain || domain.endsWith(`.${restrictedLabelDomain}`);
}

function refuse(t: NodeRestrictionTarget, name: string, why: string): StatusError {
  return forbidden(
    { resource: t.subresource ? `${t.resource}/${t.subresource}` : t.resource, group: t.group },
    name,
    why,
  );
}

/** Admits a write; throws a 403 StatusError to refuse it. */
export function admitNodeWrite(w: NodeRestrictionWrite): void {
  const node = nodeNameOf(w.user);
  if (node === undefined) return;
  const name = w.obj.metadata.name ?? w.old?.metadata.name ?? '';
  const op = w.verb === 'create' ? 'CREATE' : 'UPDATE';
  if (w.group === '' && w.resource === 'nodes') {
    if (name !== node) throw refuse(w, name, `node "${node}" is not allowed to modify node "${name}"`);
    const labels = (w.obj as Node).metadata.labels ?? {};
    const before = w.old?.metadata.labels ?? {};
    const keys = new Set([...Object.keys(labels), ...(w.old ? Object.keys(before) : [])]);
    const touched = [...keys]
      .filter(
        (k) =>
          isRestrictedNodeLabel(k) &&
          (!w.old || Object.hasOwn(labels, k) !== Object.hasOwn(before, k) || labels[k] !== before[k]),
      )
      .sort();
    if (touched.length === 0) return;
    throw refuse(
      w,
      name,
      w.old
        ? `node "${node}" is not allowed to modify labels: ${touched.join(', ')}`
        : `node "${node}" is not allowed to set the following labels: ${touched.join(', ')}`,
    );
  }
  if (w.group === '' && w.resource === 'pods') {
    if (w.verb === 'create') {
      const mirror = Object.hasOwn(w.obj.metadata.annotations ?? {}, mirrorPodAnnotation);
      throw refuse(
        w,
        name,
        mirror
          ? `node "${node}" can not create pods: this cluster runs no mirror pods`
          : `pod does not have "${mirrorPodAnnotation}" annotation, node "${node}" can only create mirror pods`,
      );
    }
    if (w.subresource !== 'status')
      throw refuse(w, name, `unexpected operation "${op}", node "${node}" can only update pod status`);
    const stored = (w.old ?? w.obj) as Pod;
    if (stored.spec?.nodeName !== node)
      throw refuse(w, name, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
    return;
  }
  if (w.group === 'coordination.k8s.io' && w.resource === 'leases') admitLease(w, node, name);
  if (w.group === '' && w.resource === 'persistentvolumeclaims' && w.subresource === 'status')
    admitClaimStatus(w, node, name);
}

/** The status fields a kubelet may change when it finishes an expansion (Kubernetes' admitPVCStatus). */
const kubeletClaimStatusFields = ['capacity', 'conditions', 'allocatedResources', 'allocatedResourceStatuses'];

function admitClaimStatus(w: NodeRestrictionWrite, node: string, name: string): void {
  if (w.verb === 'create' || !w.old) throw refuse(w, name, `unexpected operation "CREATE"`);
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = o.metadata;
    const status = { ...((o as PersistentVolumeClaim).status ?? {}) } as Record<string, unknown>;
    for (const f of kubeletClaimStatusFields) delete status[f];
    return { ...o, metadata, status };
  };
  if (!semanticEqual(strip(w.obj), strip(w.old)))
    throw refuse(
      w,
      name,
      `node "${node}" is not allowed to update fields other than status.capacity and status.conditions`,
    );
}

function admitLease(t: NodeRestrictionTarget, node: string, name: string): void {
  if (t.namespace !== nodeLeaseNamespace)
    throw refuse(t, name, `can only access leases in the "${nodeLeaseNamespace}" system namespace`);
  if (name !== node) throw refuse(t, name, 'can only access node lease with the same name as the requesting node');
}

/** Admits a delete; returns the options to delete with (pinned to the checked object's uid); throws a 403 to refuse. */
export async function admitNodeDelete(d: NodeRestrictionDelete): Promise<DeleteOptions> {
  const node = nodeNameOf(d.user);
  if (node === undefined) return d.opts;
  const guarded =
    (d.group === '' && (d.resource === 'nodes' || d.resource === 'pods')) ||
    (d.group === 'coordination.k8s.io' && d.resource === 'leases');
  if (!guarded) return d.opts;
  if (d.name === '') throw refuse(d, '', `node "${node}" can not delete collections of ${d.resource}`);
  if (d.resource === 'nodes') {
    if (d.name !== node) throw refuse(d, d.name, `node "${node}" is not allowed to modify node "${d.name}"`);
    return d.opts;
  }
  if (d.resource === 'leases') {
    admitLease(d, node, d.name);
    return d.opts;
  }
  const pod = (await d.current()) as Pod;
  if (pod.spec?.nodeName !== node)
    throw refuse(d, d.name, `node "${node}" can only delete pods with spec.nodeName set to itself`);
  const uid = d.opts.preconditions?.uid ?? pod.metadata.uid;
  return { ...d.opts, preconditions: { ...d.opts.preconditions, ...(uid ? { uid } : {}) } };
}

function target(w: WriteAttempt | DeleteAttempt): NodeRestrictionTarget {
  const info = w.store.strategy.info;
  const request = w.ctx.state.requestInfo as RequestInfo | undefined;
  const namespace = info.namespaced ? (request?.namespace ?? '') : '';
  return { user: requestUser(w.ctx), group: info.group, resource: info.resource, namespace };
}

/** The plugin as the resource handler calls it (`deps.admit` after the other write checks, and `deps.admitDelete`). */
export const nodeRestriction = {
  write(w: WriteAttempt, obj: KubeObject): void {
    admitNodeWrite({
      ...target(w),
      verb: w.verb,
      obj,
      ...(w.old ? { old: w.old } : {}),
      ...(w.subresource ? { subresource: w.subresource } : {}),
    });
  },
  delete(d: DeleteAttempt): Promise<DeleteOptions> {
    return admitNodeDelete({
      ...target(d),
      name: d.name,
      opts: d.opts,
      current: () => d.store.get(d.namespace, d.name),
    });
  },
};
