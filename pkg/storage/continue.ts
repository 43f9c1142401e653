/**
 * List continuation tokens: the snapshot revision of the first page and the key to resume after,
 * base64-encoded JSON as Kubernetes does (opaque to clients).
 */
import { StorageError, StorageErrorCode } from './errors';

/** The decoded content of a continue token. */
export interface ContinueToken {
  revision: number;
  /** The next page starts strictly after this key. */
  startAfter: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: t.revision, start: t.startAfter })).toString('base64url');
}

/** Decodes a token; a malformed token is an InvalidRequest error. */
export function decodeContinue(token: string, prefix: string): ContinueToken {
  try {
    const raw: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof raw === 'object' && raw !== null && 'rv' in raw && 'start' in raw) {
      const { rv, start } = raw;
      if (
        typeof rv === 'number' &&
        Number.isSafeInteger(rv) &&
        rv > 0 &&
        typeof start === 'string' &&
        start.startsWith(prefix)
      ) {
        return { revision: rv, startAfter: start };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new StorageError(StorageErrorCode.InvalidRequest, prefix, 'continue key is not valid');
}
