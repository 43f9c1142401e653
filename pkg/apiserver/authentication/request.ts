/**
 * The authenticated user of a request, kept on the Koa context by the authentication filter.
 * Admission plugins and handlers read it with requestUser(ctx).
 */
import type { Context } from 'koa';
import type { UserInfo } from './user';

interface AuthState {
  user?: UserInfo;
  authenticated?: UserInfo;
}

/** Records who the request acts as (the authentication filter, then impersonation, call this). */
export function setRequestUser(ctx: Context, user: UserInfo): void {
  const state = ctx.state as AuthState;
  state.authenticated ??= user;
  state.user = user;
}

/** Who authenticated (before impersonation), or undefined when nobody did (a 401). */
export function authenticatedUser(ctx: Context): UserInfo | undefined {
  return (ctx.state as AuthState).authenticated;
}

/** Who the request acts as, or undefined when nobody authenticated. */
export function actingUser(ctx: Context): UserInfo | undefined {
  return (ctx.state as AuthState).user;
}

/** Who made the request; throws when no filter authenticated it (a wiring bug, not a client error). */
export function requestUser(ctx: Context): UserInfo {
  const user = (ctx.state as AuthState).user;
  if (!user) throw new Error('request reached a handler without an authenticated user');
  return user;
}
