/**
 * From the storage layer to the API: storage errors become the StatusErrors kube-apiserver
 * answers, and reads at a future revision wait (bounded) for etcd to reach it.
 */
import {
  alreadyExists,
  badRequest,
  causeResourceVersionTooLarge,
  conflict,
  gone,
  notFound,
  serviceUnavailable,
  StatusError,
  tooLargeResourceVersion,
  type Qualified,
} from '../../api/errors';
import { StatusReason } from '../../api/meta';
import { StorageError, StorageErrorCode } from '../../storage/errors';
import type { Storage } from '../../storage/interfaces';
import { pollUntil } from '../../util/wait';

/** Converts a storage failure into the API error naming `name` of resource `q`; other errors are rethrown. */
export function translateStorageError(err: unknown, q: Qualified, name: string): never {
  if (!(err instanceof StorageError)) throw err;
  switch (err.code) {
    case StorageErrorCode.KeyNotFound:
      throw notFound(q, name);
    case StorageErrorCode.KeyExists:
      throw alreadyExists(q, name);
    case StorageErrorCode.PreconditionFailed:
      throw conflict(q, name, err.message);
    case StorageErrorCode.Expired:
      throw gone(err.message);
    case StorageErrorCode.InvalidRequest:
      throw badRequest(err.message);
    case StorageErrorCode.TooLarge:
      throw new StatusError(413, StatusReason.RequestEntityTooLarge, err.message);
    case StorageErrorCode.Unreachable:
      throw serviceUnavailable(`storage is unavailable: ${err.message}`);
    case StorageErrorCode.ResourceVersionTooLarge:
      throw new StatusError(504, StatusReason.Timeout, err.message, {
        causes: [{ reason: causeResourceVersionTooLarge, message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
  }
}

/**
 * Resolves once the store's revision is at least `rv`, polling for at most `waitMs`; then a
 * 504 "Too large resource version" (kube-apiserver's watch cache waits 3 s the same way).
 * Storage failures are thrown as they are.
 */
export async function waitForRevision(
  storage: Pick<Storage, 'currentRevision'>,
  rv: number,
  waitMs: number,
): Promise<void> {
  let current = 0;
  const reached = await pollUntil(
    async () => {
      current = await storage.currentRevision();
      return current >= rv;
    },
    { intervalMs: 100, timeoutMs: waitMs },
  );
  if (!reached) throw tooLargeResourceVersion(rv, current);
}
