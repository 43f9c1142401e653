/**
 * The review resources (pkg/api/resources.ts reviewResources), answered from the request's
 * user and the authentication and authorization chains:
 *   SelfSubjectReview   who am I (kubectl auth whoami)
 *   TokenReview         who does this bearer token name (the kubelet's token webhook)
 *   SelfSubjectAccessReview / SubjectAccessReview / LocalSubjectAccessReview
 *                       may I / may this user do X (kubectl auth can-i; the kubelet's authorization webhook)
 *   SelfSubjectRulesReview
 *                       what may I do in a namespace (kubectl auth can-i --list)
 */
import type { Context } from 'koa';
import { badRequest } from '../../api/errors';
import * as R from '../../api/resources';
import { requestUser } from '../authentication/request';
import type { TokenAuthenticator } from '../authentication/token_file';
import { withAuthenticatedGroup } from '../authentication/authenticator';
import type { UserInfo } from '../authentication/user';
import {
  Decision,
  type Attributes,
  type Authorizer,
  type RuleResolver,
  type RulesResult,
} from '../authorization/authorizer';
import { fieldRequirements } from '../authorization/request_attributes';
import { storeKey } from '../handlers/resource';
import type { RequestInfo } from '../request_info';
import { serveReview, type ReviewAnswer, type SpecReader } from './review';

/** What the reviews consult. */
export interface ReviewDeps {
  authorizer: Authorizer;
  ruleResolvers: readonly RuleResolver[];
  /** Bearer-token authenticators (--token-auth-file); none: every TokenReview is unauthenticated. */
  tokens: readonly TokenAuthenticator[];
}

/** Serves one review request. */
export type ReviewHandler = (ctx: Context, info: RequestInfo) => Promise<void>;

function userInfoJson(u: UserInfo) {
  return {
    username: u.username,
    ...(u.uid ? { uid: u.uid } : {}),
    groups: [...u.groups],
    ...(u.extra ? { extra: u.extra } : {}),
  };
}

/** Attributes of a SubjectAccessReviewSpec's resourceAttributes or nonResourceAttributes. */
function specAttributes(spec: SpecReader, user: UserInfo, namespace?: string): Attributes {
  const res = spec.object('resourceAttributes');
  const non = spec.object('nonResourceAttributes');
  if (Boolean(res) === Boolean(non))
    throw spec.invalid('', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (non) {
    // A LocalSubjectAccessReview is about one namespace: a namespace admin may not ask about URLs.
    if (namespace !== undefined) throw spec.invalid('nonResourceAttributes', 'disallowed on this kind of request');
    return {
      user,
      verb: non.string('verb'),
      resourceRequest: false,
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path: non.string('path'),
    };
  }
  const r = res as SpecReader;
  const ns = r.string('namespace');
  if (namespace !== undefined && ns !== namespace)
    throw badRequest(
      `spec.resourceAttributes.namespace must match the namespace of the request (${JSON.stringify(namespace)})`,
    );
  const fieldSelector = fieldRequirements(r.object('fieldSelector')?.string('rawSelector'));
  return {
    user,
    verb: r.string('verb'),
    resourceRequest: true,
    apiGroup: r.string('group'),
    apiVersion: r.string('version'),
    resource: r.string('resource'),
    subresource: r.string('subresource'),
    namespace: ns,
    name: r.string('name'),
    path: '',
    ...(fieldSelector ? { fieldSelector } : {}),
  };
}

function accessStatus(authorizer: Authorizer, a: Attributes) {
  const r = authorizer.authorize(a);
  return {
    allowed: r.decision === Decision.Allow,
    ...(r.decision === Decision.Deny ? { denied: true } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

/** The user a SubjectAccessReview asks about. */
function subjectOf(spec: SpecReader): UserInfo {
  const username = spec.string('user');
  const groups = spec.strings('groups');
  if (!username && groups.length === 0) throw spec.invalid('user', 'at least one of user or group must be specified');
  const uid = spec.string('uid');
  const extra = spec.stringLists('extra');
  return { username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

function rulesFor(resolvers: readonly RuleResolver[], user: UserInfo, namespace: string): RulesResult {
  const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: resolvers.length === 0 };
  const errors: string[] = [];
  for (const r of resolvers) {
    const got = r.rulesFor(user, namespace);
    out.resourceRules.push(...got.resourceRules);
    out.nonResourceRules.push(...got.nonResourceRules);
    if (got.incomplete) out.incomplete = true;
    if (got.evaluationError) errors.push(got.evaluationError);
  }
  if (errors.length) out.evaluationError = errors.join('; ');
  return out;
}

/** The review handlers, keyed like the stores (group/version/resource). */
export function reviewHandlers(deps: ReviewDeps): Map<string, ReviewHandler> {
  const answers: [R.ResourceInfo, ReviewAnswer][] = [
    [R.selfSubjectReviews, (ctx) => ({ userInfo: userInfoJson(requestUser(ctx)) })],
    [
      R.tokenReviews,
      (_ctx, spec) => {
        const token = spec.string('token');
        if (!token) throw spec.invalid('token', 'token must be specified');
        for (const t of deps.tokens) {
          const user = t.authenticateToken(token);
          if (user)
            return {
              authenticated: true,
              user: userInfoJson(withAuthenticatedGroup(user)),
              audiences: spec.strings('audiences'),
            };
        }
        return { authenticated: false, user: {}, error: 'invalid bearer token' };
      },
    ],
    [R.selfSubjectAccessReviews, (ctx, spec) => accessStatus(deps.authorizer, specAttributes(spec, requestUser(ctx)))],
    [R.subjectAccessReviews, (_ctx, spec) => accessStatus(deps.authorizer, specAttributes(spec, subjectOf(spec)))],
    [
      R.localSubjectAccessReviews,
      (_ctx, spec, info) => accessStatus(deps.authorizer, specAttributes(spec, subjectOf(spec), info.namespace ?? '')),
    ],
    [
      R.selfSubjectRulesReviews,
      (ctx, spec) => {
        const namespace = spec.string('namespace');
        return { ...rulesFor(deps.ruleResolvers, requestUser(ctx), namespace) };
      },
    ],
  ];
  return new Map(
    answers.map(([r, answer]) => [
      storeKey(r.group, r.version, r.resource),
      (ctx: Context, info: RequestInfo) => serveReview(ctx, info, r, answer),
    ]),
  );
}
