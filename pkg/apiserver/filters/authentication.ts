/**
 * The authentication filter. On the secure port every request is authenticated (x509 client
 * certificate, bearer token, else anonymous when allowed); a bad credential is Kubernetes' 401
 * Status. Requests on the plain-HTTP test port skip authentication and authorization, as
 * kube-apiserver's old insecure port did: they act as a superuser.
 */
import type { TLSSocket } from 'node:tls';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { authenticateRequest, unauthorized, type Authenticator } from '../authentication/authenticator';
import { setRequestUser } from '../authentication/request';
import { unsecuredUser } from '../authentication/user';

/** True for requests on the plain-HTTP test port. */
export function isInsecureRequest(ctx: Context): boolean {
  return !(ctx.req.socket as Partial<TLSSocket>).encrypted;
}

/** Options of the authentication filter. */
export interface AuthenticationOptions {
  authenticators: readonly Authenticator[];
  /** --anonymous-auth: requests without credentials are system:anonymous. */
  anonymous: boolean;
  logger: Logger;
}

/** Koa middleware that sets the request's user (see requestUser) or answers 401. */
export function authentication(o: AuthenticationOptions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (isInsecureRequest(ctx)) setRequestUser(ctx, unsecuredUser);
    else {
      const result = authenticateRequest(ctx.req, o.authenticators, o.anonymous);
      if ('failures' in result) {
        o.logger.debug({ path: ctx.path, failures: result.failures }, 'authentication failed');
        throw unauthorized();
      }
      setRequestUser(ctx, result.user);
    }
    // The credential has done its job; nothing further (proxies, logs) may see it.
    delete ctx.req.headers.authorization;
    await next();
  };
}
