/**
 * Pod writes a set has made and its cache has not shown yet (the job of client-go's
 * ControllerExpectations, checked level-based against the lister instead of counted by the
 * handlers). While a create is not in the cache, or a deleted pod still looks alive there, the
 * set's view of its pods is stale: acting on it would create a pod twice or delete the next one
 * too early, so the reconciler waits for the informer event that will enqueue the set again. An
 * expectation older than the TTL (Kubernetes: 5 minutes) is dropped, so a lost event cannot
 * wedge a set.
 */
import type { Clock } from '../../util/clock/clock';
import type { CachedPod } from './types';

/** How long an unobserved write is waited for. */
export const ExpectationsTTLMs = 5 * 60 * 1000;

interface Expectation {
  op: 'create' | 'delete';
  /** `namespace/name` of the pod. */
  podKey: string;
  /** For a delete: the uid of the pod deleted. */
  uid?: string;
  at: number;
}

/** Reads pods from the cache. */
export interface PodGetter {
  get(key: string): CachedPod | undefined;
}

/** Unobserved pod writes per set key. */
export class PodExpectations {
  private readonly bySet = new Map<string, Expectation[]>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Records that `podKey` was created for `setKey`. */
  expectCreate(setKey: string, podKey: string): void {
    this.add(setKey, { op: 'create', podKey, at: this.clock.now() });
  }

  /** Records that pod `podKey` with `uid` was deleted for `setKey`. */
  expectDelete(setKey: string, podKey: string, uid: string | undefined): void {
    this.add(setKey, { op: 'delete', podKey, ...(uid ? { uid } : {}), at: this.clock.now() });
  }

  private add(setKey: string, e: Expectation): void {
    const list = this.bySet.get(setKey) ?? [];
    list.push(e);
    this.bySet.set(setKey, list);
  }

  /**
   * Drops what the cache now shows (or what is older than the TTL) and returns how long the
   * oldest remaining expectation may still be waited for, or undefined when none remains.
   */
  pending(setKey: string, pods: PodGetter): number | undefined {
    const list = this.bySet.get(setKey);
    if (!list) return undefined;
    const now = this.clock.now();
    const left = list.filter((e) => now - e.at < ExpectationsTTLMs && !observed(e, pods.get(e.podKey)));
    if (left.length === 0) {
      this.bySet.delete(setKey);
      return undefined;
    }
    this.bySet.set(setKey, left);
    return Math.min(...left.map((e) => ExpectationsTTLMs - (now - e.at)));
  }

  /** Forgets a set (it was deleted). */
  forget(setKey: string): void {
    this.bySet.delete(setKey);
  }
}

function observed(e: Expectation, pod: CachedPod | undefined): boolean {
  if (e.op === 'create') return pod !== undefined;
  return pod === undefined || pod.metadata.uid !== e.uid || pod.metadata.deletionTimestamp !== undefined;
}
