/**
 * The RBAC authorization mode: a request is allowed when a rule of a role bound to the user
 * allows it, and otherwise has no opinion (RBAC never denies; the chain answers 403 when nobody
 * allowed). It also lists a user's rules for SelfSubjectRulesReview (kubectl auth can-i --list).
 */
import type { PolicyRule } from '../../../api/rbac/v1';
import type { UserInfo } from '../../authentication/user';
import {
  allow,
  noOpinion,
  type Attributes,
  type AuthorizationResult,
  type Authorizer,
  type RuleResolver,
  type RulesResult,
} from '../authorizer';
import type { GrantResolver } from './resolver';
import { ruleAllows } from './rules';

function subjectString(u: UserInfo): string {
  return `User ${JSON.stringify(u.username)}`;
}

/** RBAC as an Authorizer and a RuleResolver over one GrantResolver. */
export class RbacAuthorizer implements Authorizer, RuleResolver {
  constructor(readonly grants: GrantResolver) {}

  authorize(a: Attributes): AuthorizationResult {
    let reason = '';
    this.grants.visit(a.user, a.namespace, (g) => {
      if (!g.rules.some((r) => ruleAllows(r, a))) return false;
      reason = `RBAC: allowed by ${g.source} to ${subjectString(a.user)}`;
      return true;
    });
    return reason ? allow(reason) : noOpinion();
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const rules: PolicyRule[] = this.grants.rulesFor(user, namespace);
    return {
      resourceRules: rules
        .filter((r) => !r.nonResourceURLs?.length)
        .map((r) => ({
          verbs: [...r.verbs],
          apiGroups: [...(r.apiGroups ?? [])],
          resources: [...(r.resources ?? [])],
          ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
        })),
      nonResourceRules: rules
        .filter((r) => r.nonResourceURLs?.length)
        .map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...(r.nonResourceURLs ?? [])] })),
      incomplete: false,
    };
  }
}
