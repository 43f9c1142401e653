/**
 * Errors of the storage layer. The registry converts them into API StatusErrors (it knows the
 * resource's name; the store does not).
 */

/** Why a storage operation failed. */
export const StorageErrorCode = {
  KeyNotFound: 'KeyNotFound',
  KeyExists: 'KeyExists',
  /** A precondition (uid or resourceVersion) did not hold. */
  PreconditionFailed: 'PreconditionFailed',
  /** The requested revision has been compacted. */
  Expired: 'Expired',
  /** The backing store did not answer. */
  Unreachable: 'Unreachable',
  /** The encoded object exceeds the largest value the store accepts. */
  TooLarge: 'TooLarge',
  /** The requested revision is newer than the store's current revision. */
  ResourceVersionTooLarge: 'ResourceVersionTooLarge',
  /** The request was malformed (bad continue token). */
  InvalidRequest: 'InvalidRequest',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/** A storage failure with its code and the key involved. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** True when `err` is a StorageError with the given code. */
export function isStorageError(err: unknown, code: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && err.code === code;
}
