/**
 * Starts an in-process kube-apiserver on a free loopback port over the test etcd, under a
 * unique key prefix so test files never see each other's objects.
 */
import { StorageObjectInUseProtection } from '../../pkg/apiserver/admission/storage_object_in_use_protection';
import type { ApiServerConfig } from '../../pkg/apiserver/config';
import { ApiServer } from '../../pkg/apiserver/server';
import { silentLogger } from '../../pkg/log/logger';
import { EtcdStore } from '../../pkg/storage/etcd/store';
import type { Storage } from '../../pkg/storage/interfaces';
import { etcdEndpoints, uniquePrefix } from './etcd';

/** A running test apiserver. */
export interface TestApiServer {
  server: ApiServer;
  url: string;
  prefix: string;
  /** A direct etcd client (to compact, or to check what was written). */
  etcd: EtcdStore;
  stop(): Promise<void>;
}

/**
 * Starts an apiserver and waits until it is ready (on `storage` if given: e.g. a real etcd store
 * wrapped to inject faults). Pass `prefix` and `port` of a stopped one to
 * "restart" it: same address, same etcd data (default: a fresh prefix on a free port).
 * No controller-manager runs beside it, so the
 * StorageObjectInUseProtection admission plugin is off unless `protection` is set (with it on,
 * every deleted claim or volume would wait for a protection controller).
 */
export async function startApiServer(
  opts: {
    bookmarkIntervalMs?: number;
    watchCacheCapacity?: number;
    prefix?: string;
    port?: number;
    protection?: boolean;
    storage?: Storage;
    hostPathRoots?: string[];
    config?: Partial<ApiServerConfig>;
  } = {},
): Promise<TestApiServer> {
  const prefix = opts.prefix ?? uniquePrefix();
  const endpoints = opts.config?.etcdServers ?? etcdEndpoints();
  const server = new ApiServer({
    etcdServers: endpoints,
    etcdPrefix: prefix,
    bindAddress: '127.0.0.1',
    port: opts.port ?? 0,
    logger: silentLogger(),
    ...(opts.bookmarkIntervalMs ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
    ...(opts.watchCacheCapacity ? { watchCacheCapacity: opts.watchCacheCapacity } : {}),
    ...(opts.protection ? {} : { disableAdmissionPlugins: [StorageObjectInUseProtection] }),
    ...(opts.storage ? { storage: opts.storage } : {}),
    ...(opts.hostPathRoots ? { hostPathRoots: opts.hostPathRoots } : {}),
    ...opts.config,
  });
  await server.start();
  await server.waitReady();
  const etcd = new EtcdStore({ endpoints });
  return {
    server,
    url: server.url,
    prefix,
    etcd,
    stop: async () => {
      await server.stop();
      await etcd.close();
    },
  };
}
