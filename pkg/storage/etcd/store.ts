/**
 * Storage on etcd v3. Creates are transactions guarded by `mod_revision == 0`; updates and
 * deletes compare-and-swap on the revision that was read (the failure branch returns the
 * current value, so a retry costs no extra read); lists page through a range at one revision
 * so that every page of one list is the same snapshot. Every call goes through EtcdMembers
 * (./members.ts): with several --etcd-servers it fails over between the members.
 */
import type { Etcd3 } from 'etcd3';
import type * as RPC from 'etcd3/lib/rpc';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/meta';
import { decodeContinue, encodeContinue } from '../continue';
import { StorageError, StorageErrorCode } from '../errors';
import type {
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  StorageEvent,
  StorageWatchHandlers,
  UpdateFunc,
} from '../interfaces';
import { checkPreconditions, sameStoredContent } from '../preconditions';
import { decode, encode, prefixEnd } from './codec';
import { PrefixWatch } from './watch';
import { jsonClone } from '../../util/json/clone';
import { type CallKind, type CallOptions, EtcdMembers } from './members';

/** Options of the etcd store. */
export interface EtcdStoreOptions {
  /** Client URLs, one per member, e.g. http://127.0.0.1:2379 (calls fail over between them: ./members.ts). */
  endpoints: string[];
  /** Per-request deadline in ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Keys fetched per etcd range call while filtering a list (default 1000). */
  pageSize?: number;
  /** Where watch reconnects are logged (debug). */
  logger?: Logger;
}

function toStorageError(err: unknown, key: string): Error {
  if (err instanceof StorageError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/compacted/.test(msg))
    return new StorageError(
      StorageErrorCode.Expired,
      key,
      `The resourceVersion for the provided list is too old: ${msg}`,
    );
  if (/future revision/.test(msg))
    return new StorageError(StorageErrorCode.ResourceVersionTooLarge, key, `Too large resource version: ${msg}`);
  return new StorageError(StorageErrorCode.Unreachable, key, `etcd: ${msg}`);
}

/** The real Storage, backed by an etcd v3 cluster. */
export class EtcdStore implements Storage {
  private readonly members: EtcdMembers;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly log?: Logger;

  constructor(opts: EtcdStoreOptions) {
    // Failover and retries are EtcdMembers' (reads retry anywhere, writes only when unsent).
    // Watches do not use etcd3's watch manager (see ./watch.ts).
    this.members = new EtcdMembers({ endpoints: opts.endpoints, ...(opts.logger ? { logger: opts.logger } : {}) });
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.pageSize = opts.pageSize ?? 1000;
    this.log = opts.logger;
  }

  /** One call through the member set, until this store's deadline; errors become StorageErrors. */
  private async rpc<R>(kind: CallKind, key: string, fn: (client: Etcd3, call: CallOptions) => Promise<R>): Promise<R> {
    try {
      return await this.members.run(kind, Date.now() + this.timeoutMs, fn);
    } catch (err) {
      throw toStorageError(err, key);
    }
  }

  /** An idempotent read: retried on every member until the deadline when etcd is unreachable. */
  private readRpc<R>(key: string, fn: (client: Etcd3, call: CallOptions) => Promise<R>): Promise<R> {
    return this.rpc('read', key, fn);
  }

  async create<T extends KubeObject>(key: string, obj: T): Promise<T> {
    const res = await this.rpc('write', key, (client, call) =>
      client.kv.txn(
        {
          compare: [{ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: 0 }],
          success: [{ request_put: { key: Buffer.from(key), value: encode(obj) } }],
        },
        call,
      ),
    );
    if (!res.succeeded) throw new StorageError(StorageErrorCode.KeyExists, key, `key ${key} exists`);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.header.revision } };
  }

  private async read<T extends KubeObject>(key: string): Promise<{ obj: T; rev: string } | undefined> {
    const res = await this.readRpc(key, (client, call) => client.kv.range({ key: Buffer.from(key) }, call));
    const kv = res.kvs[0];
    return kv ? { obj: decode<T>(kv.value, kv.mod_revision), rev: kv.mod_revision } : undefined;
  }

  async get<T extends KubeObject>(key: string): Promise<T> {
    const cur = await this.read<T>(key);
    if (!cur) throw new StorageError(StorageErrorCode.KeyNotFound, key, `key ${key} not found`);
    return cur.obj;
  }

  async guaranteedUpdate<T extends KubeObject>(
    key: string,
    tryUpdate: UpdateFunc<T>,
    pre?: Preconditions,
    cachedExisting?: T,
  ): Promise<T> {
    const cachedRev = cachedExisting?.metadata.resourceVersion;
    let fromCache = cachedExisting !== undefined && cachedRev !== undefined;
    let cur =
      fromCache && cachedExisting && cachedRev ? { obj: cachedExisting, rev: cachedRev } : await this.read<T>(key);
    for (;;) {
      if (!cur) throw new StorageError(StorageErrorCode.KeyNotFound, key, `key ${key} not found`);
      let next: T;
      try {
        checkPreconditions(key, cur.obj, pre);
        next = await tryUpdate(jsonClone(cur.obj));
      } catch (err) {
        if (!fromCache) throw err;
        fromCache = false;
        cur = await this.read<T>(key);
        continue;
      }
      if (sameStoredContent(next, cur.obj)) {
        if (!fromCache) return cur.obj;
        fromCache = false;
        cur = await this.read<T>(key);
        continue;
      }
      fromCache = false;
      const k = Buffer.from(key);
      const res: RPC.ITxnResponse = await this.rpc('write', key, (client, call) =>
        client.kv.txn(
          {
            compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: cur?.rev ?? '0' }],
            success: [{ request_put: { key: k, value: encode(next) } }],
            failure: [{ request_range: { key: k } }],
          },
          call,
        ),
      );
      if (res.succeeded) return { ...next, metadata: { ...next.metadata, resourceVersion: res.header.revision } };
      const kv = res.responses[0]?.response_range.kvs[0];
      cur = kv ? { obj: decode<T>(kv.value, kv.mod_revision), rev: kv.mod_revision } : undefined;
    }
  }

  async delete<T extends KubeObject>(key: string, pre?: Preconditions, validate?: (current: T) => void): Promise<T> {
    for (;;) {
      const cur = await this.read<T>(key);
      if (!cur) throw new StorageError(StorageErrorCode.KeyNotFound, key, `key ${key} not found`);
      checkPreconditions(key, cur.obj, pre);
      validate?.(cur.obj);
      const k = Buffer.from(key);
      const res = await this.rpc('write', key, (client, call) =>
        client.kv.txn(
          {
            compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: cur.rev }],
            success: [{ request_delete_range: { key: k } }],
          },
          call,
        ),
      );
      if (res.succeeded) return { ...cur.obj, metadata: { ...cur.obj.metadata, resourceVersion: res.header.revision } };
    }
  }

  async list<T extends KubeObject>(prefix: string, opts: ListOptions<T> = {}): Promise<ListResult<T>> {
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let revision = opts.revision ?? 0;
    let start = Buffer.from(prefix);
    if (opts.continue) {
      const token = decodeContinue(opts.continue, prefix);
      revision = token.revision;
      start = Buffer.concat([Buffer.from(token.startAfter), Buffer.from([0])]);
    }
    const end = prefixEnd(prefix);
    const items: T[] = [];
    let lastKey = '';
    for (;;) {
      // Without a filter every key is an item: fetch exactly one more than the page needs.
      const wanted = limit - items.length + 1;
      const batch = !limit
        ? this.pageSize
        : opts.predicate
          ? Math.max(wanted, Math.min(this.pageSize, limit * 2))
          : wanted;
      const res = await this.readRpc(prefix, (client, call) =>
        client.kv.range({ key: start, range_end: end, limit: batch, revision }, call),
      );
      if (!revision) revision = Number(res.header.revision);
      for (const kv of res.kvs) {
        const obj = decode<T>(kv.value, kv.mod_revision);
        if (opts.predicate && !opts.predicate(obj)) continue;
        // One more match than the limit: there is a next page, starting after the last item.
        if (limit && items.length === limit)
          return { items, revision, continue: encodeContinue({ revision, startAfter: lastKey }) };
        items.push(obj);
        lastKey = kv.key.toString();
      }
      const lastKv = res.kvs[res.kvs.length - 1];
      if (!res.more || !lastKv) return { items, revision };
      start = Buffer.concat([lastKv.key, Buffer.from([0])]);
    }
  }

  async watch<T extends KubeObject>(
    prefix: string,
    afterRevision: number,
    h: StorageWatchHandlers<T>,
  ): Promise<() => void> {
    const w = new PrefixWatch({
      members: this.members,
      prefix,
      afterRevision,
      ...(this.log ? { logger: this.log } : {}),
      handlers: {
        onEvents: (events) => {
          for (const ev of events) {
            const se = toStorageEvent<T>(ev);
            if (se) h.onEvent(se);
          }
        },
        onExpired: (message) => h.onError(new StorageError(StorageErrorCode.Expired, prefix, message)),
      },
    });
    return () => w.stop();
  }

  async currentRevision(): Promise<number> {
    const res = await this.readRpc('', (client, call) =>
      client.kv.range({ key: Buffer.from([0]), limit: 1, keys_only: true }, call),
    );
    return Number(res.header.revision);
  }

  async checkRevision(revision: number): Promise<void> {
    if (revision <= 0) return;
    await this.readRpc('', (client, call) =>
      client.kv.range({ key: Buffer.from([0]), limit: 1, keys_only: true, revision }, call),
    );
  }

  /** Compacts history up to `revision` (tests and benchmarks use it to force 410s). */
  async compact(revision: number): Promise<void> {
    await this.rpc('write', '', (client, call) => client.kv.compact({ revision, physical: true }, call));
  }

  async close(): Promise<void> {
    this.members.close();
  }
}

/** An etcd watch event as a StorageEvent; a delete whose previous value etcd no longer has is none. */
function toStorageEvent<T extends KubeObject>(ev: RPC.IEvent): StorageEvent<T> | undefined {
  const key = ev.kv.key.toString();
  const revision = Number(ev.kv.mod_revision);
  if (ev.type === 'Delete') {
    if (!ev.prev_kv) return undefined;
    // The last state, stamped with the delete's revision.
    const object = decode<T>(ev.prev_kv.value, ev.kv.mod_revision);
    return { type: 'DELETED', key, object, prevObject: object, revision };
  }
  const object = decode<T>(ev.kv.value, ev.kv.mod_revision);
  const prevObject = ev.prev_kv ? decode<T>(ev.prev_kv.value, ev.prev_kv.mod_revision) : undefined;
  const type = ev.kv.create_revision === ev.kv.mod_revision ? 'ADDED' : 'MODIFIED';
  return { type, key, object, ...(prevObject ? { prevObject } : {}), revision };
}
