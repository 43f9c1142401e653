/**
 * An in-memory Storage for unit tests, with the etcd store's semantics: one global revision
 * bumped by every write (a fresh store is at revision 1, like a fresh etcd); values kept per
 * key by revision so a list at an older revision, or a continued list, reads its snapshot;
 * watches replay the change log after their start revision; `compact(rev)` forgets history
 * and makes older reads, continues and watches fail with Expired. Values are stored encoded
 * exactly as the etcd store encodes them, so every returned object is a fresh copy.
 * Nothing is forgotten until compact() is called.
 */
import type { KubeObject } from '../../api/meta';
import { decodeContinue, encodeContinue } from '../continue';
import { decode, encode } from '../etcd/codec';
import { StorageError, StorageErrorCode } from '../errors';
import type { ListOptions, ListResult, Preconditions, Storage, StorageWatchHandlers, UpdateFunc } from '../interfaces';
import { checkPreconditions, sameStoredContent } from '../preconditions';
import { KeyHistory, type LiveVersion } from './history';
import { WatchHub } from './watchers';

/** The fake Storage. Every operation takes effect atomically when called. */
export class MemoryStore implements Storage {
  private revision = 1;
  private compacted = 0;
  private closed = false;
  private readonly history = new KeyHistory();
  private readonly hub = new WatchHub();

  async create<T extends KubeObject>(key: string, obj: T): Promise<T> {
    this.ensureOpen(key);
    if (this.history.latest(key)) throw new StorageError(StorageErrorCode.KeyExists, key, `key ${key} exists`);
    const value = encode(obj);
    return decode<T>(value, this.commit(key, value));
  }

  async get<T extends KubeObject>(key: string): Promise<T> {
    this.ensureOpen(key);
    const cur = this.current(key);
    return decode<T>(cur.value, cur.rev);
  }

  /** `cachedExisting` is ignored: reads are free here. */
  async guaranteedUpdate<T extends KubeObject>(
    key: string,
    tryUpdate: UpdateFunc<T>,
    pre?: Preconditions,
    _cachedExisting?: T,
  ): Promise<T> {
    this.ensureOpen(key);
    let cur: LiveVersion | undefined = this.current(key);
    for (;;) {
      if (!cur) throw notFound(key);
      const obj = decode<T>(cur.value, cur.rev);
      checkPreconditions(key, obj, pre);
      const next = await tryUpdate(decode<T>(cur.value, cur.rev));
      if (sameStoredContent(next, obj)) return obj;
      this.ensureOpen(key);
      // Compare-and-swap: write only if nobody wrote the key while tryUpdate ran.
      const now = this.history.latest(key);
      if (now?.rev === cur.rev) {
        const value = encode(next);
        return decode<T>(value, this.commit(key, value));
      }
      cur = now;
    }
  }

  async delete<T extends KubeObject>(key: string, pre?: Preconditions, validate?: (current: T) => void): Promise<T> {
    this.ensureOpen(key);
    const cur = this.current(key);
    checkPreconditions(key, decode<T>(cur.value, cur.rev), pre);
    validate?.(decode<T>(cur.value, cur.rev));
    return decode<T>(cur.value, this.commit(key, undefined));
  }

  async list<T extends KubeObject>(prefix: string, opts: ListOptions<T> = {}): Promise<ListResult<T>> {
    this.ensureOpen(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let revision = opts.revision ?? 0;
    let startAfter: string | undefined;
    if (opts.continue) {
      const token = decodeContinue(opts.continue, prefix);
      revision = token.revision;
      startAfter = token.startAfter;
    }
    if (!revision) revision = this.revision;
    this.checkReadable(prefix, revision);
    const items: T[] = [];
    let lastKey = '';
    for (const { key, version } of this.history.range(prefix, revision, startAfter)) {
      const obj = decode<T>(version.value, version.rev);
      if (opts.predicate && !opts.predicate(obj)) continue;
      // One more match than the limit: there is a next page, starting after the last item.
      if (limit && items.length === limit)
        return { items, revision, continue: encodeContinue({ revision, startAfter: lastKey }) };
      items.push(obj);
      lastKey = key;
    }
    return { items, revision };
  }

  async watch<T extends KubeObject>(
    prefix: string,
    afterRevision: number,
    handlers: StorageWatchHandlers<T>,
  ): Promise<() => void> {
    this.ensureOpen(prefix);
    // Like etcd: the watch starts at afterRevision+1, which must not be older than the compaction.
    const expired = afterRevision + 1 < this.compacted ? expiredError(prefix, afterRevision) : undefined;
    return this.hub.watch(prefix, afterRevision, handlers, expired);
  }

  async currentRevision(): Promise<number> {
    this.ensureOpen('');
    return this.revision;
  }

  async checkRevision(revision: number): Promise<void> {
    this.ensureOpen('');
    if (revision <= 0) return;
    this.checkReadable('', revision);
  }

  /**
   * Discards history before `revision`: reads at older revisions, continues of lists made at
   * them and watches starting before it fail with Expired afterwards. Like etcd, compacting at
   * or below the last compaction fails with Expired, and past the current revision fails.
   */
  async compact(revision: number): Promise<void> {
    this.ensureOpen('');
    if (revision <= this.compacted) throw expiredError('', revision);
    if (revision > this.revision) throw futureError('', revision);
    this.compacted = revision;
    this.history.compact(revision);
    this.hub.compact(revision);
  }

  /** Stops every watch; later calls fail with Unreachable, as on a closed etcd client. */
  async close(): Promise<void> {
    this.closed = true;
    this.hub.stopAll();
  }

  /** The key's current version, or KeyNotFound. */
  private current(key: string): LiveVersion {
    const cur = this.history.latest(key);
    if (!cur) throw notFound(key);
    return cur;
  }

  /** Writes a new value (undefined = delete) at the next revision, logs the change, returns the revision. */
  private commit(key: string, value: Buffer | undefined): number {
    const prev = this.history.latest(key);
    const rev = ++this.revision;
    this.history.record(key, { rev, value });
    if (value) this.hub.append({ type: prev ? 'MODIFIED' : 'ADDED', key, rev, value, ...(prev ? { prev } : {}) });
    else if (prev) this.hub.append({ type: 'DELETED', key, rev, value: prev.value, prev });
    return rev;
  }

  /** Reads at `revision` need it to be neither compacted nor in the future (etcd's errors). */
  private checkReadable(key: string, revision: number): void {
    if (revision < this.compacted) throw expiredError(key, revision);
    if (revision > this.revision) throw futureError(key, revision);
  }

  private ensureOpen(key: string): void {
    if (this.closed) throw new StorageError(StorageErrorCode.Unreachable, key, 'memory store: closed');
  }
}

function notFound(key: string): StorageError {
  return new StorageError(StorageErrorCode.KeyNotFound, key, `key ${key} not found`);
}

function expiredError(key: string, revision: number): StorageError {
  return new StorageError(
    StorageErrorCode.Expired,
    key,
    `The resourceVersion for the provided list is too old: revision ${revision} has been compacted`,
  );
}

/** What the etcd store reports for a read past the newest revision (etcd's ErrFutureRev, unmapped). */
function futureError(key: string, revision: number): StorageError {
  return new StorageError(
    StorageErrorCode.Unreachable,
    key,
    `memory store: required revision ${revision} is a future revision`,
  );
}
