/**
 * The authorization filter: every authenticated request on the secure port is turned into
 * Attributes and put to the authorizer chain; anything but Allow is Kubernetes' 403 Status.
 */
import type { Context, Next } from 'koa';
import { requestUser } from '../authentication/request';
import { Decision, type Attributes, type Authorizer } from '../authorization/authorizer';
import { forbiddenError, requestAttributes } from '../authorization/request_attributes';
import { isInsecureRequest } from './authentication';

/** The pods subresources that open a stream (authorized as `create`, see below). */
const streamingSubresources = new Set(['exec', 'attach', 'portforward']);

interface AuthzState {
  authorization?: Attributes;
}

/** The Attributes the request was authorized with (undefined on the plain test port). */
export function requestAuthorization(ctx: Context): Attributes | undefined {
  return (ctx.state as AuthzState).authorization;
}

/** Koa middleware: authorizes the request or throws 403. */
export function authorization(authorizer: Authorizer) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (!isInsecureRequest(ctx)) {
      const asked = requestAttributes(requestUser(ctx), ctx.method, ctx.path, new URLSearchParams(ctx.querystring));
      // The streaming subresources are `create` whatever the method, also for the WebSocket
      // handshake's GET (Kubernetes 1.35, AuthorizePodWebsocketUpgradeCreatePermission): `get`
      // on `*` (a reader's role) must not open a shell in every pod.
      const streaming =
        asked.resourceRequest &&
        !asked.apiGroup &&
        asked.resource === 'pods' &&
        streamingSubresources.has(asked.subresource);
      const attrs = streaming ? { ...asked, verb: 'create' } : asked;
      (ctx.state as AuthzState).authorization = attrs;
      const result = authorizer.authorize(attrs);
      if (result.decision !== Decision.Allow) throw forbiddenError(attrs, result.reason);
    }
    await next();
  };
}
