/**
 * The one error middleware: every failure becomes a metav1.Status response with the right
 * code. Unknown exceptions are 500s and are logged; they never crash the server.
 */
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { internalError, StatusError } from '../api/errors';

/** Renders every thrown error as a Status. */
export function statusErrors(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      let e: StatusError;
      if (err instanceof StatusError) e = err;
      else {
        log.error({ err, path: ctx.path, method: ctx.method }, 'unhandled error');
        e = internalError(err instanceof Error ? err.message : String(err));
      }
      ctx.respond = true;
      ctx.status = e.code;
      ctx.type = 'application/json';
      ctx.body = e.status;
    }
  };
}
