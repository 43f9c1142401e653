/**
 * A set's revision history through the API (Kubernetes' getStatefulSetRevisions,
 * CreateControllerRevision and truncateHistory): the update revision is the one equal to the
 * set's template — the newest if it matches, an older one renumbered to the top on a rollback,
 * or a new one; a name taken by a different revision bumps the collision count and tries the
 * next name (a taken name holding the same data is used as it is). The current revision is the one status.currentRevision names (or the update one).
 * History beyond revisionHistoryLimit is deleted oldest first, never a revision a pod, the
 * current or the update revision uses.
 */
import type { ControllerRevision } from '../../api/apps/v1';
import { isAlreadyExists, isNotFound } from '../../api/errors';
import type { Stored } from '../../api/stored';
import { thaw } from '../../util/reconcile/lister';
import { revisionOf } from './identity';
import { equalRevision, newRevision, nextRevisionNumber, sortRevisions } from './revisions';
import type { CachedRevision, CachedSet, Member, SetRevisions } from './types';

/** The ControllerRevision client calls the history makes. */
export interface RevisionClient {
  get(name: string, namespace?: string): Promise<Stored<ControllerRevision, 'Namespaced'>>;
  create(obj: ControllerRevision): Promise<ControllerRevision>;
  update(obj: ControllerRevision): Promise<Stored<ControllerRevision, 'Namespaced'>>;
  delete(name: string, namespace?: string): Promise<unknown>;
}

/** How many name collisions a sync tolerates before giving up (and retrying later). */
const maxCollisions = 10;

/** Finds or makes the current and update revisions of `set` (`revisions`: the set's, any order). */
export async function resolveRevisions(
  client: RevisionClient,
  set: CachedSet,
  revisions: CachedRevision[],
): Promise<SetRevisions> {
  const sorted = sortRevisions([...revisions]);
  let collisionCount = set.status?.collisionCount ?? 0;
  const candidate = newRevision(set, nextRevisionNumber(sorted), collisionCount);
  const equal = sorted.filter((r) => equalRevision(r, candidate));
  const newest = sorted[sorted.length - 1];
  const lastEqual = equal[equal.length - 1];
  let update: CachedRevision;
  if (lastEqual && newest && lastEqual.metadata.name === newest.metadata.name) {
    update = newest;
  } else if (lastEqual) {
    // A rollback: the old revision becomes the newest again.
    update = await client.update({ ...thaw<ControllerRevision>(lastEqual), revision: candidate.revision });
  } else {
    const created = await createRevision(client, set, candidate.revision, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

async function createRevision(
  client: RevisionClient,
  set: CachedSet,
  number: number,
  initialCollisions: number,
): Promise<{ revision: CachedRevision; collisionCount: number }> {
  let collisionCount = initialCollisions;
  for (let attempt = 0; attempt <= maxCollisions; attempt++) {
    const rev = newRevision(set, number, collisionCount);
    try {
      const created = (await client.create(rev)) as Stored<ControllerRevision, 'Namespaced'>;
      return { revision: created, collisionCount };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get(rev.metadata.name ?? '', rev.metadata.namespace);
      // The same data (as Kubernetes' CreateControllerRevision decides): ours already, in a cache
      // that had not shown it, or an earlier set's of this name not yet released by the garbage
      // collector (adopted later). A new name would roll every pod for nothing.
      if (equalRevision(existing, rev)) return { revision: existing, collisionCount };
      collisionCount++;
    }
  }
  throw new Error(`could not find a free ControllerRevision name for ${set.metadata.name ?? ''}`);
}

/**
 * Deletes the oldest revisions past spec.revisionHistoryLimit (default 10) that nothing uses:
 * not `live` (current and update) and no member pod's revision.
 */
export async function truncateHistory(
  client: RevisionClient,
  set: CachedSet,
  revisions: CachedRevision[],
  members: readonly Member[],
  live: readonly (CachedRevision | undefined)[],
): Promise<void> {
  const used = new Set<string>(members.filter((m) => m.created).map((m) => revisionOf(m.pod)));
  for (const r of live) if (r?.metadata.name) used.add(r.metadata.name);
  const history = sortRevisions(revisions.filter((r) => !used.has(r.metadata.name ?? '')));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return;
  for (const r of history.slice(0, history.length - limit)) {
    try {
      await client.delete(r.metadata.name ?? '', r.metadata.namespace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
