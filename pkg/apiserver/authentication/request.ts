/**
 * The authenticated user of a request, kept on the Koa context by the authentication filter.
 * Admission plugins and handlers read it with requestUser(ctx).
 */
import type { Context } from 'koa';
import type { UserInfo } from './user';

interface AuthState {
  user?: UserInfo;
}

/** Records who made the request (the authentication and impersonation filters call this). */
export function setRequestUser(ctx: Context, user: UserInfo): void {
  (ctx.state as AuthState).user = user;
}

/** Who made the request; throws when no filter authenticated it (a wiring bug, not a client error). */
export function requestUser(ctx: Context): UserInfo {
  const user = (ctx.state as AuthState).user;
  if (!user) throw new Error('request reached a handler without an authenticated user');
  return user;
}
