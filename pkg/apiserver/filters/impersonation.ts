/**
 * Impersonation, as kube-apiserver: `Impersonate-User`, `Impersonate-Uid`, `Impersonate-Group`
 * (repeatable) and `Impersonate-Extra-<key>` headers make the request act as another user,
 * provided the requester is allowed the `impersonate` verb on each thing asked for (users,
 * groups, uids, userextras/<key>; serviceaccounts for system:serviceaccount:<ns>:<name>).
 * Runs after authentication and before authorization, which then sees the impersonated user.
 */
import type { Context, Next } from 'koa';
import { badRequest } from '../../api/errors';
import { requestUser, setRequestUser } from '../authentication/request';
import { Groups, Users, type UserInfo } from '../authentication/user';
import { Decision, type Attributes, type Authorizer } from '../authorization/authorizer';
import { forbiddenError } from '../authorization/request_attributes';
import { isInsecureRequest } from './authentication';

const extraPrefix = 'impersonate-extra-';

/** An Impersonate-Extra-<key> key is percent-encoded; a malformed one is kept as sent, as Kubernetes does. */
function extraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function headerValues(ctx: Context, name: string): string[] {
  const v = ctx.req.headersDistinct[name];
  return (v ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Wanted {
  resource: string;
  apiGroup: string;
  namespace?: string;
  name: string;
  subresource?: string;
}

function wantedOf(user: string, uid: string | undefined, groups: string[], extra: Record<string, string[]>): Wanted[] {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  const wanted: Wanted[] = [
    sa
      ? { resource: 'serviceaccounts', apiGroup: '', namespace: sa[1] ?? '', name: sa[2] ?? '' }
      : { resource: 'users', apiGroup: '', name: user },
  ];
  if (uid) wanted.push({ resource: 'uids', apiGroup: 'authentication.k8s.io', name: uid });
  for (const g of groups) wanted.push({ resource: 'groups', apiGroup: '', name: g });
  for (const [k, vs] of Object.entries(extra))
    for (const v of vs)
      wanted.push({ resource: 'userextras', apiGroup: 'authentication.k8s.io', subresource: k, name: v });
  return wanted;
}

/** Koa middleware applying impersonation headers (checked against `authorizer`). */
export function impersonation(authorizer: Authorizer) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const headers = Object.keys(ctx.req.headers).filter((h) => h.startsWith('impersonate-'));
    if (headers.length === 0) return next();
    const user = headerValues(ctx, 'impersonate-user')[0];
    const uid = headerValues(ctx, 'impersonate-uid')[0];
    const groups = headerValues(ctx, 'impersonate-group');
    const extra: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const h of headers)
      if (h.startsWith(extraPrefix)) extra[extraKey(h.slice(extraPrefix.length))] = headerValues(ctx, h);
    if (!user) throw badRequest(`requested impersonation of ${headers.join(', ')} without impersonating a user`);
    if (!isInsecureRequest(ctx)) {
      const requester = requestUser(ctx);
      for (const w of wantedOf(user, uid, groups, extra)) {
        const attrs: Attributes = {
          user: requester,
          verb: 'impersonate',
          resourceRequest: true,
          apiGroup: w.apiGroup,
          apiVersion: '',
          resource: w.resource,
          subresource: w.subresource ?? '',
          namespace: w.namespace ?? '',
          name: w.name,
          path: ctx.path,
        };
        const r = authorizer.authorize(attrs);
        if (r.decision !== Decision.Allow) throw forbiddenError(attrs, r.reason);
      }
    }
    const implied = user === Users.Anonymous ? Groups.Unauthenticated : Groups.Authenticated;
    const impersonated: UserInfo = {
      username: user,
      ...(uid ? { uid } : {}),
      groups: groups.includes(implied) ? groups : [...groups, implied],
      ...(Object.keys(extra).length ? { extra } : {}),
    };
    setRequestUser(ctx, impersonated);
    for (const h of headers) delete ctx.req.headers[h];
    await next();
  };
}
