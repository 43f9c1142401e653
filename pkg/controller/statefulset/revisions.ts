/**
 * ControllerRevisions of a StatefulSet (Kubernetes' controller/history and newRevision /
 * ApplyRevision): a revision holds `{spec: {template}}` (the template marked `$patch: replace`,
 * as Kubernetes stores it so a strategic merge restores it whole), is named `<set>-<hash>` with
 * the hash an FNV-1 32-bit sum of the data and the collision count, encoded with Kubernetes'
 * safe alphabet, and carries the template's labels plus `controller-revision-hash: <hash>`.
 * Pure functions; history.ts does the API calls.
 */
import {
  ControllerRevisionHashLabel,
  type ControllerRevision,
  type PodTemplateSpec,
  type StatefulSet,
} from '../../api/apps/v1';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { jsonEqual } from '../../util/json/equal';
import { getOwn, setOwn } from '../../util/json/own';
import { thaw } from '../../util/reconcile/lister';
import { controllerRefTo, mergedLabels, StatefulSetKind } from './identity';

type ReadSet = DeepReadonly<StatefulSet>;
type ReadRevision = DeepReadonly<ControllerRevision>;

/** JSON with object keys sorted, so equal data always hashes alike. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** FNV-1 (not 1a), 32 bits, over UTF-8 bytes. */
function fnv1(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

// Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alikes.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The revision hash of `data` with `collisionCount` mixed in (as Kubernetes' HashControllerRevision). */
export function revisionHash(data: unknown, collisionCount: number): string {
  const enc = new TextEncoder();
  let h = fnv1(enc.encode(canonicalJson(data)));
  h = fnv1(enc.encode(String(collisionCount)), h);
  return [...String(h)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length] ?? 'b').join('');
}

/** The data a revision of `set` holds: its template, to be restored whole. */
export function revisionData(set: ReadSet): { spec: { template: Record<string, unknown> } } {
  const template: Record<string, unknown> = { ...(thaw(set.spec.template) as unknown as Record<string, unknown>) };
  setOwn(template, '$patch', 'replace');
  return { spec: { template } };
}

/** A new ControllerRevision of `set` with number `revision` (not yet created). */
export function newRevision(set: ReadSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set);
  const hash = revisionHash(data, collisionCount);
  const labels = mergedLabels(set.spec.template.metadata?.labels, undefined);
  setOwn(labels, ControllerRevisionHashLabel, hash);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(set.metadata.name ?? '', hash),
      namespace: set.metadata.namespace ?? '',
      labels,
      ...(set.metadata.annotations ? { annotations: mergedLabels(set.metadata.annotations, undefined) } : {}),
      ownerReferences: [controllerRefTo(set, StatefulSetKind)],
    },
    data,
    revision,
  };
}

/** `<prefix>-<hash>`, the prefix cut so the name stays a valid object name (Kubernetes: 223). */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** True when two revisions hold the same template. */
export function equalRevision(a: ReadRevision, b: ReadRevision): boolean {
  return jsonEqual(a.data, b.data);
}

/** The template a revision restores; throws when its data is not a StatefulSet revision's. */
export function templateOf(rev: ReadRevision): PodTemplateSpec {
  const spec = getOwn<unknown>(rev.data ?? {}, 'spec');
  const template = spec && typeof spec === 'object' ? getOwn<unknown>(spec, 'template') : undefined;
  if (!template || typeof template !== 'object')
    throw new Error(`ControllerRevision ${rev.metadata.name ?? ''} holds no spec.template`);
  const out = thaw<Record<string, unknown>>(template as DeepReadonly<Record<string, unknown>>);
  delete out.$patch;
  return out as unknown as PodTemplateSpec;
}

/** `set` with its template replaced by the one `rev` holds (Kubernetes' ApplyRevision). */
export function setAtRevision<S extends ReadSet>(set: S, rev: ReadRevision): S {
  return { ...set, spec: { ...set.spec, template: templateOf(rev) } };
}

/** Sorts revisions by number, then creation time, then name (Kubernetes' SortControllerRevisions). */
export function sortRevisions<R extends ReadRevision>(revs: R[]): R[] {
  return revs.sort(
    (a, b) =>
      a.revision - b.revision ||
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}

/** The number the next revision gets: one past the highest (revisions sorted). */
export function nextRevisionNumber(sorted: readonly ReadRevision[]): number {
  return (sorted[sorted.length - 1]?.revision ?? 0) + 1;
}
