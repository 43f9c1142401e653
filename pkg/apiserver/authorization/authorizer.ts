/**
 * The authorization contract, as Kubernetes' authorizer.Attributes / Authorizer /
 * RuleResolver: every request becomes Attributes; each configured authorizer (Node, RBAC,
 * AlwaysAllow) answers Allow, Deny or NoOpinion; the first Allow or Deny wins; none → 403.
 * Authorizers read the apiserver's watch caches, so a decision never waits on etcd.
 */
import type { UserInfo } from '../authentication/user';

/** What a request asks to do. */
export interface Attributes {
  readonly user: UserInfo;
  /** Resource verbs (get list watch create update patch delete deletecollection, and impersonate escalate bind use);
   *  for a non-resource request, the lower-case HTTP method (get post put patch delete head). */
  readonly verb: string;
  /** True for /api/v1/... and /apis/{group}/{version}/... resource URLs; false for /healthz, /version, discovery… */
  readonly resourceRequest: boolean;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  /** '' for cluster-scoped requests and for lists across all namespaces. */
  readonly namespace: string;
  /** '' when the request names no object (list, create without a name in the URL). */
  readonly name: string;
  /** The URL path (non-resource requests are authorized on it). */
  readonly path: string;
  /** The `field=value` (or `==`) requirements of a list/watch fieldSelector; undefined when none or unparseable. */
  readonly fieldSelector?: Readonly<Record<string, string>>;
}

/** An authorizer's answer. */
export const Decision = { Allow: 'Allow', Deny: 'Deny', NoOpinion: 'NoOpinion' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** A decision and why (the reason is shown in SubjectAccessReview status and the audit log). */
export interface AuthorizationResult {
  readonly decision: Decision;
  readonly reason: string;
}

/** One authorization mode. Synchronous: it reads caches only. */
export interface Authorizer {
  authorize(a: Attributes): AuthorizationResult;
}

/** A rule over resources, as authorization.k8s.io/v1 ResourceRule. */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

/** A rule over non-resource URLs, as authorization.k8s.io/v1 NonResourceRule. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/** What a user may do in one namespace (SelfSubjectRulesReview status). */
export interface RulesResult {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when some authorizer could not list its rules (e.g. the Node authorizer's graph). */
  incomplete: boolean;
  evaluationError?: string;
}

/** An authorizer that can also list a user's rules (RBAC). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

/** Convenience constructors. */
export const allow = (reason = ''): AuthorizationResult => ({ decision: Decision.Allow, reason });
export const deny = (reason = ''): AuthorizationResult => ({ decision: Decision.Deny, reason });
export const noOpinion = (reason = ''): AuthorizationResult => ({ decision: Decision.NoOpinion, reason });
