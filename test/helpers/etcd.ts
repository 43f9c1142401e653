/** Where integration tests find their etcd, and how they keep their keys apart on it. */
import { randomBytes } from 'node:crypto';

/**
 * The client URLs of the test etcd, from ETCD_ENDPOINTS (comma-separated). Throws a clear
 * error when it is unset: integration tests need a running etcd.
 */
export function etcdEndpoints(): string[] {
  const endpoints = (process.env.ETCD_ENDPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (endpoints.length === 0) {
    throw new Error(
      'ETCD_ENDPOINTS is not set: integration tests need a running etcd, e.g. ETCD_ENDPOINTS=http://127.0.0.1:2379 (hack/test.sh starts one)',
    );
  }
  return endpoints;
}

/** A fresh random key prefix (`/test-<hex>`, no trailing slash) so tests never see each other's keys. */
export function uniquePrefix(): string {
  return `/test-${randomBytes(6).toString('hex')}`;
}
