/**
 * The Node authorizer (--authorization-mode=Node), as Kubernetes': requests of a kubelet
 * (user `system:node:<name>` in group `system:nodes`) are allowed what that kubelet needs and
 * nothing about other nodes; every other user, and every request it does not allow, gets
 * NoOpinion (so a later mode, RBAC, still decides; with none the request is a 403 carrying
 * the reason given here).
 *
 * For a node N:
 *   pods                get of a pod bound to N (the graph); list/watch only with the field
 *                       selector spec.nodeName=N; delete of a pod bound to N (the kubelet
 *                       confirms graceful deletions). No create: this cluster runs no mirror
 *                       pods (NodeRestriction refuses them too).
 *   pods/status         get/update/patch of a pod bound to N (NodeRestriction re-checks the
 *                       stored pod).
 *   persistentvolumeclaims  get of a claim a pod bound to N uses; list/watch of such a claim
 *                       with the field selector metadata.name=<claim> alone (one object, as
 *                       nodes are watched): the kubelet follows the claims its pods mount, so
 *                       it finishes an expansion when the claim changes, not at its next pod
 *                       sync. Kubernetes lets a node only get claims; this is an addition.
 *                       A watch already open is not cut when the pod leaves N (as for nodes).
 *   persistentvolumeclaims/status  update/patch of such a claim (the kubelet finishes a volume
 *                       expansion; NodeRestriction limits what it may change).
 *   persistentvolumes   get of a volume whose claimRef is such a claim.
 *   nodes, nodes/status get/list/watch of N only (list/watch with fieldSelector
 *                       metadata.name=N), as Kubernetes 1.32 with AuthorizeNodeWithSelectors;
 *                       create/update/patch of N (create: the name is in the body, so
 *                       NodeRestriction checks it). No delete.
 *   leases              get/create/update/patch/delete of kube-node-lease/N (create checked by
 *                       NodeRestriction, as the name is in the body).
 *   static rules        what Kubernetes' NodeRules (the system:node ClusterRole) grant every
 *                       node and this server serves: events create/update/patch; tokenreviews
 *                       and (local)subjectaccessreviews create (the kubelet delegates the
 *                       authentication and authorization of its own server). These live here,
 *                       not in an RBAC binding, as Kubernetes no longer binds system:node.
 *
 * It lists no rules (SelfSubjectRulesReview is incomplete for nodes, as in Kubernetes).
 */
import { nodeNameOf } from '../../authentication/user';
import {
  allow,
  noOpinion,
  type Attributes,
  type AuthorizationResult,
  type Authorizer,
  type RuleResolver,
  type RulesResult,
} from '../authorizer';
import type { UserInfo } from '../../authentication/user';
import type { NodeGraph } from './graph';

/** The namespace of node leases. */
export const nodeLeaseNamespace = 'kube-node-lease';

/** A rule granted to every node regardless of the graph. */
interface StaticRule {
  group: string;
  resources: readonly string[];
  verbs: readonly string[];
}

/** Kubernetes' NodeRules, restricted to what this server serves and the graph does not decide. */
const staticRules: readonly StaticRule[] = [
  { group: '', resources: ['events'], verbs: ['create', 'update', 'patch'] },
  { group: 'events.k8s.io', resources: ['events'], verbs: ['create', 'update', 'patch'] },
  { group: 'authentication.k8s.io', resources: ['tokenreviews'], verbs: ['create'] },
  {
    group: 'authorization.k8s.io',
    resources: ['subjectaccessreviews', 'localsubjectaccessreviews'],
    verbs: ['create'],
  },
];

const noRelationship = (node: string) => noOpinion(`no relationship found between node '${node}' and this object`);

/** The Node authorizer over a graph of the apiserver's caches. */
export class NodeAuthorizer implements Authorizer, RuleResolver {
  constructor(private readonly graph: NodeGraph) {}

  authorize(a: Attributes): AuthorizationResult {
    const node = nodeNameOf(a.user);
    if (node === undefined || !a.resourceRequest) return noOpinion();
    if (a.apiGroup === '') {
      switch (a.resource) {
        case 'pods':
          return this.pod(node, a);
        case 'persistentvolumeclaims':
          if (a.subresource === 'status') return this.statusUpdate(node, a);
          return this.claim(node, a);
        case 'persistentvolumes':
          return this.getOnly(node, a, () => this.graph.volumeUsedOnNode(node, a.name));
        case 'nodes':
          return ownNode(node, a);
      }
    }
    if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') return ownLease(node, a);
    const rule = staticRules.find(
      (r) =>
        r.group === a.apiGroup &&
        r.resources.includes(a.subresource ? `${a.resource}/${a.subresource}` : a.resource) &&
        r.verbs.includes(a.verb),
    );
    return rule ? allow() : noOpinion();
  }

  /** Nodes' rules cannot be listed (they depend on the graph); other users have none here. */
  rulesFor(user: UserInfo): RulesResult {
    if (nodeNameOf(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false };
    return {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'node authorizer does not support user rule resolution',
    };
  }

  private pod(node: string, a: Attributes): AuthorizationResult {
    const bound = () => a.name !== '' && this.graph.podOnNode(node, a.namespace, a.name);
    if (a.subresource === 'status') {
      if (!['get', 'update', 'patch'].includes(a.verb))
        return noOpinion('can only get, update or patch the status of pods');
      return bound() ? allow() : noRelationship(node);
    }
    if (a.subresource) return noOpinion(`cannot access subresource ${a.subresource} of pods`);
    switch (a.verb) {
      case 'get':
      case 'delete':
        if (a.name === '') return noOpinion('No Object name found');
        return bound() ? allow() : noRelationship(node);
      case 'list':
      case 'watch':
        return a.fieldSelector?.['spec.nodeName'] === node
          ? allow()
          : noOpinion('can only list/watch pods with spec.nodeName field selector');
      case 'create':
        return noOpinion(`node '${node}' can only create mirror pods, and this cluster runs none`);
      default:
        return noOpinion(`cannot ${a.verb} pods`);
    }
  }

  /** Kubernetes' authorizeStatusUpdate (claims' status, for expansion). */
  private statusUpdate(node: string, a: Attributes): AuthorizationResult {
    if (a.verb !== 'update' && a.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (a.name === '') return noOpinion('No Object name found');
    return this.graph.claimUsedOnNode(node, a.namespace, a.name) ? allow() : noRelationship(node);
  }

  /** get of a claim used on the node, or list/watch of it by metadata.name alone. */
  private claim(node: string, a: Attributes): AuthorizationResult {
    const related = () => this.graph.claimUsedOnNode(node, a.namespace, a.name);
    if (a.verb !== 'list' && a.verb !== 'watch')
      return this.getOnly(node, a, related, 'get, or watch by metadata.name,');
    const fields = Object.keys(a.fieldSelector ?? {});
    const byName =
      a.name !== '' &&
      fields.length === 1 &&
      fields[0] === 'metadata.name' &&
      a.fieldSelector?.['metadata.name'] === a.name;
    if (!byName || a.subresource) return noOpinion('can only watch individual claims, by metadata.name');
    return related() ? allow() : noRelationship(node);
  }

  private getOnly(node: string, a: Attributes, related: () => boolean, what = 'get'): AuthorizationResult {
    if (a.verb !== 'get') return noOpinion(`can only ${what} individual resources of this type`);
    if (a.subresource) return noOpinion('cannot get subresource');
    if (a.name === '') return noOpinion('No Object name found');
    return related() ? allow() : noRelationship(node);
  }
}

function ownNode(node: string, a: Attributes): AuthorizationResult {
  if (a.subresource !== '' && a.subresource !== 'status')
    return noOpinion(`cannot access subresource ${a.subresource} of nodes`);
  switch (a.verb) {
    case 'create':
      // The name is in the body: NodeRestriction limits a node to creating its own Node.
      return a.subresource === '' ? allow() : noOpinion();
    case 'get':
    case 'list':
    case 'watch':
    case 'update':
    case 'patch':
      if (a.name === node) return allow();
      return noOpinion(
        a.name === ''
          ? `node '${node}' cannot read all nodes, only its own Node object`
          : `node '${node}' cannot access '${a.name}', only its own Node object`,
      );
    default:
      return noOpinion(`node '${node}' cannot ${a.verb} nodes`);
  }
}

function ownLease(node: string, a: Attributes): AuthorizationResult {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb) || a.subresource)
    return noOpinion('can only get, create, update, patch, or delete a node lease');
  if (a.namespace !== nodeLeaseNamespace)
    return noOpinion(`can only access leases in the "${nodeLeaseNamespace}" system namespace`);
  // On create the name is in the body: NodeRestriction checks it.
  if (a.verb !== 'create' && a.name !== node)
    return noOpinion('can only access node lease with the same name as the requesting node');
  return allow();
}
