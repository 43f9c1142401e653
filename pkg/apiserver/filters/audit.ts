/**
 * The audit log (--audit-log-path): one audit.k8s.io/v1 Event per request, as a JSON line at
 * level Metadata, stage ResponseComplete — who (user, impersonated user, source IP, user
 * agent), what (verb, objectRef or URI) and the response code, so an administrator can see
 * who deleted a claim. Requests refused before authentication (401) are logged too.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Context, Next } from 'koa';
import { StatusError } from '../../api/errors';
import { actingUser, authenticatedUser } from '../authentication/request';
import type { Attributes } from '../authorization/authorizer';
import { requestAttributes } from '../authorization/request_attributes';

/** An append-only JSON-lines audit file. */
export class AuditLog {
  private readonly out: WriteStream;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  }

  /** Koa middleware recording each request; place it before authentication. */
  middleware() {
    return async (ctx: Context, next: Next): Promise<void> => {
      const received = new Date().toISOString();
      let code = 0;
      try {
        await next();
        code = ctx.status;
      } catch (err) {
        code = err instanceof StatusError ? err.code : 500;
        throw err;
      } finally {
        this.write(ctx, code, received);
      }
    };
  }

  private write(ctx: Context, code: number, received: string): void {
    const authenticated = authenticatedUser(ctx);
    const acting = actingUser(ctx);
    const who = authenticated ?? acting ?? { username: '', groups: [] };
    let a: Attributes | undefined;
    try {
      a = requestAttributes(who, ctx.method, ctx.path, new URLSearchParams(ctx.querystring));
    } catch {
      a = undefined; // a malformed resource path (already answered 400): logged by URI only
    }
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: randomUUID(),
      stage: 'ResponseComplete',
      requestURI: ctx.url,
      verb: a?.verb ?? ctx.method.toLowerCase(),
      user: { username: who.username, ...(who.uid ? { uid: who.uid } : {}), groups: who.groups },
      ...(acting && authenticated && acting !== authenticated
        ? { impersonatedUser: { username: acting.username, groups: acting.groups } }
        : {}),
      sourceIPs: [ctx.req.socket.remoteAddress ?? ''],
      userAgent: ctx.get('user-agent'),
      ...(a?.resourceRequest
        ? {
            objectRef: {
              resource: a.resource,
              ...(a.namespace ? { namespace: a.namespace } : {}),
              ...(a.name ? { name: a.name } : {}),
              apiGroup: a.apiGroup,
              apiVersion: a.apiVersion,
              ...(a.subresource ? { subresource: a.subresource } : {}),
            },
          }
        : {}),
      responseStatus: { metadata: {}, code },
      requestReceivedTimestamp: received,
      stageTimestamp: new Date().toISOString(),
    };
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}
