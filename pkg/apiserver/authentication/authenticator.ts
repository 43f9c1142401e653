/**
 * Request authentication as kube-apiserver's union authenticator: each authenticator looks for
 * its own kind of credential (a client certificate, a bearer token). The first that recognises
 * one names the user; a credential that is presented but invalid is remembered, and when no
 * authenticator succeeds the request is a 401 — never a fall-through to anonymous. A request
 * with no credential at all is anonymous when --anonymous-auth allows it.
 */
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import { Groups, Users, type UserInfo } from './user';

/** One way of proving who you are. */
export interface Authenticator {
  /**
   * The user the request's credential names; undefined when the request carries no credential
   * of this kind; throws an Error (its message is logged, never shown) when it carries an invalid one.
   */
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

/** Kubernetes' 401 Status: the message says nothing about which check failed. */
export function unauthorized(): StatusError {
  return new StatusError(401, StatusReason.Unauthorized, 'Unauthorized');
}

/** The outcome of authenticating one request. */
export type AuthenticationResult = { user: UserInfo } | { failures: string[] };

/** Tries `authenticators` in order; adds system:authenticated; anonymous when allowed and nothing was presented. */
export function authenticateRequest(
  req: IncomingMessage,
  authenticators: readonly Authenticator[],
  anonymous: boolean,
): AuthenticationResult {
  const failures: string[] = [];
  for (const a of authenticators) {
    let user: UserInfo | undefined;
    try {
      user = a.authenticate(req);
    } catch (err) {
      failures.push((err as Error).message);
      continue;
    }
    if (user) return { user: withAuthenticatedGroup(user) };
  }
  if (failures.length > 0) return { failures };
  if (anonymous) return { user: { username: Users.Anonymous, groups: [Groups.Unauthenticated] } };
  return { failures: ['no credentials and anonymous requests are disabled'] };
}

/** Every authenticated (non-anonymous) user is in system:authenticated, as Kubernetes adds it. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === Users.Anonymous || user.groups.includes(Groups.Authenticated)) return user;
  return { ...user, groups: [...user.groups, Groups.Authenticated] };
}
