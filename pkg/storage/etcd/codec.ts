/**
 * How objects are laid out in etcd: JSON without `metadata.resourceVersion` (the revision is
 * etcd's own mod_revision, put back on every read).
 */
import type { KubeObject } from '../../api/meta';
import { StorageError, StorageErrorCode } from '../errors';

/** Largest stored value (etcd's default request limit is 1.5 MiB). */
export const maxValueBytes = 1.5 * 1024 * 1024;

/** Serializes an object for storage, dropping the resourceVersion; too large → TooLarge. */
export function encode(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const value = Buffer.from(JSON.stringify({ ...obj, metadata }));
  if (value.length > maxValueBytes) {
    throw new StorageError(
      StorageErrorCode.TooLarge,
      obj.metadata.name ?? '',
      `object is too large: ${value.length} bytes (limit ${maxValueBytes})`,
    );
  }
  return value;
}

/** Parses a stored value and stamps it with the revision it was read at. */
export function decode<T extends KubeObject>(value: Buffer, modRevision: string | number): T {
  const obj = JSON.parse(value.toString('utf8')) as T;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/** The first key after every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    const byte = b[i] ?? 0;
    if (byte < 0xff) {
      const end = b.subarray(0, i + 1);
      end[i] = byte + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}
