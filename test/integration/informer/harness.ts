/**
 * Helpers of the informer integration tests: bounded-concurrency write bursts, a handler that
 * counts and mirrors what it is told, and key→resourceVersion snapshots of the cache, of the
 * handler's view and of a fresh list from the apiserver.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { isAlreadyExists, isNotFound } from '../../../pkg/api/errors';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import type { Stored } from '../../../pkg/api/stored';
import type { KubeObject } from '../../../pkg/api/meta';
import type { ResourceClient } from '../../../pkg/client/resource_client';
import type { ResourceEventHandler } from '../../../pkg/informer/event_handler';
import type { DeepReadonly } from '../../../pkg/util/immutable/deep_readonly';
import type { SharedIndexInformer } from '../../../pkg/informer/shared_informer';
import { DeletedFinalStateUnknown } from '../../../pkg/informer/tombstone';
import { objectKey } from '../../../pkg/api/keys';

/** A small PVC. */
export function pvc(namespace: string, name: string, labels: Record<string, string> = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, labels },
    spec: { storageClassName: 'hostPath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}

/** Runs fn(0..n-1) with at most `concurrency` in flight; rejects with the first failure. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** `p`, with NotFound / AlreadyExists (races between concurrent writers) ignored. */
export async function tolerateRaces(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err) && !isAlreadyExists(err)) throw err;
  }
}

/** key → resourceVersion. */
export type Snapshot = Map<string, string>;

function snapshotOf(objs: readonly DeepReadonly<KubeObject>[]): Snapshot {
  return new Map(objs.map((o) => [objectKey(o), o.metadata.resourceVersion ?? '']));
}

/** A fresh list from the apiserver (one consistent read). */
export async function listSnapshot(
  client: ResourceClient<PersistentVolumeClaim>,
  namespace: string,
): Promise<{ snap: Snapshot; resourceVersion: string }> {
  const list = await client.list(namespace);
  return { snap: snapshotOf(list.items), resourceVersion: list.metadata.resourceVersion ?? '' };
}

/** What the informer's cache holds. */
export function cacheSnapshot(informer: SharedIndexInformer<Stored<PersistentVolumeClaim, 'Namespaced'>>): Snapshot {
  return snapshotOf(informer.lister().list());
}

/** The differences between two snapshots (empty when equal), at most `max` of them. */
export function diff(want: Snapshot, got: Snapshot, max = 5): string[] {
  const out: string[] = [];
  for (const [k, rv] of want) {
    if (out.length >= max) break;
    if (!got.has(k)) out.push(`missing ${k}@${rv}`);
    else if (got.get(k) !== rv) out.push(`${k}: want rv ${rv}, got ${got.get(k) ?? ''}`);
  }
  for (const [k, rv] of got) {
    if (out.length >= max) break;
    if (!want.has(k)) out.push(`extra ${k}@${rv}`);
  }
  return out;
}

/** Asserts two snapshots are identical, naming the first differences. */
export function expectSame(want: Snapshot, got: Snapshot, what: string): void {
  expect(diff(want, got), `${what} (want ${want.size} objects, got ${got.size})`).to.deep.equal([]);
  expect(got.size).to.equal(want.size);
}

/** Per-key counts of what a handler was told. */
export interface KeyCounts {
  adds: number;
  updates: number;
  deletes: number;
  tombstones: number;
}

/**
 * A handler that counts deliveries per key and keeps its own mirror of the collection (add /
 * update set, delete removes), checking as it goes that the event stream is coherent: no add
 * for a key it already holds, no update or delete of a key it does not hold, and an update's
 * old object is the one it was last told about.
 */
export class RecordingHandler implements ResourceEventHandler<PersistentVolumeClaim> {
  readonly counts = new Map<string, KeyCounts>();
  readonly mirror: Snapshot = new Map();
  readonly tombstoneRVs = new Map<string, string>();
  readonly violations: string[] = [];
  events = 0;

  private bump(key: string, field: keyof KeyCounts): void {
    const c = this.counts.get(key) ?? { adds: 0, updates: 0, deletes: 0, tombstones: 0 };
    c[field]++;
    this.counts.set(key, c);
    this.events++;
  }

  onAdd(obj: DeepReadonly<PersistentVolumeClaim>): void {
    const key = objectKey(obj);
    if (this.mirror.has(key)) this.violations.push(`add of ${key}, already held`);
    this.mirror.set(key, obj.metadata.resourceVersion ?? '');
    this.bump(key, 'adds');
  }

  onUpdate(oldObj: DeepReadonly<PersistentVolumeClaim>, newObj: DeepReadonly<PersistentVolumeClaim>): void {
    const key = objectKey(newObj);
    const held = this.mirror.get(key);
    if (held === undefined) this.violations.push(`update of ${key}, not held`);
    else if (held !== oldObj.metadata.resourceVersion)
      this.violations.push(`update of ${key}: old rv ${oldObj.metadata.resourceVersion ?? ''} but held ${held}`);
    this.mirror.set(key, newObj.metadata.resourceVersion ?? '');
    this.bump(key, 'updates');
  }

  onDelete(obj: DeepReadonly<PersistentVolumeClaim> | DeletedFinalStateUnknown<PersistentVolumeClaim>): void {
    const tomb = obj instanceof DeletedFinalStateUnknown;
    const key = tomb ? obj.key : objectKey(obj);
    if (!this.mirror.has(key)) this.violations.push(`delete of ${key}, not held`);
    if (tomb) this.tombstoneRVs.set(key, obj.obj.metadata.resourceVersion ?? '');
    this.mirror.delete(key);
    this.bump(key, tomb ? 'tombstones' : 'deletes');
  }

  /** Counts of one key (zeros when never seen). */
  of(key: string): KeyCounts {
    return { ...(this.counts.get(key) ?? { adds: 0, updates: 0, deletes: 0, tombstones: 0 }) };
  }

  /** A copy of every key's counts (to diff later). */
  copyCounts(): Map<string, KeyCounts> {
    return new Map([...this.counts].map(([k, c]) => [k, { ...c }]));
  }
}

/** A logger whose records (parsed) are kept in memory, for asserting what a component logged. */
export function capturingLogger(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  return {
    logger,
    messages: () =>
      lines.flatMap((l) =>
        l
          .split('\n')
          .filter(Boolean)
          .map((x) => String((JSON.parse(x) as { msg?: unknown }).msg ?? '')),
      ),
  };
}
