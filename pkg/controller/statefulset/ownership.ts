/**
 * Adoption and release (Kubernetes' ControllerRefManager): a set owns the pods and revisions
 * whose controller reference names its uid. An orphan (no controller) whose labels match the
 * selector — and, for a pod, whose name makes it a member — is adopted, after a live read has
 * confirmed the set still exists with this uid and is not being deleted; an owned object that
 * no longer matches is released (our reference removed). Objects controlled by others are
 * never touched.
 */
import type { StatefulSet } from '../../api/apps/v1';
import { isNotFound } from '../../api/errors';
import type { Selector } from '../../api/labels';
import type { KubeObject, OwnerReference } from '../../api/meta';
import type { Stored } from '../../api/stored';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { thaw } from '../../util/reconcile/lister';
import { controllerRefOf, controllerRefTo, StatefulSetKind } from './identity';
import type { CachedSet } from './types';

/** Writes an object back (its ownerReferences changed). */
export interface OwnedClient<T extends KubeObject> {
  update(obj: T): Promise<T>;
}

/** Reads the set live (adoption must not act on a cache that has not seen it deleted). */
export interface SetGetter {
  get(name: string, namespace?: string): Promise<Stored<StatefulSet, 'Namespaced'>>;
}

/** Decides and makes the ownership changes of one sync; the live set is read at most once. */
export class OwnershipClaimer {
  private checked: Promise<void> | undefined;

  constructor(
    private readonly set: CachedSet,
    private readonly selector: Selector,
    private readonly liveSet: SetGetter,
  ) {}

  /**
   * The objects the set owns after adopting orphans and releasing strays. `member` is an
   * extra condition for adoption and keeping (pods: the name must be `<set>-<ordinal>`).
   */
  async claim<T extends KubeObject>(
    objects: readonly DeepReadonly<T>[],
    client: OwnedClient<T>,
    member: (obj: DeepReadonly<T>) => boolean = () => true,
  ): Promise<DeepReadonly<T>[]> {
    const uid = this.set.metadata.uid;
    const deleting = this.set.metadata.deletionTimestamp !== undefined;
    const owned: DeepReadonly<T>[] = [];
    for (const obj of objects) {
      const ref = controllerRefOf(obj);
      const matches = this.selector.matches(obj.metadata.labels) && member(obj);
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) owned.push(obj);
        else if (!deleting) await this.release(obj, client);
        continue;
      }
      if (deleting || !matches || obj.metadata.deletionTimestamp) continue;
      await this.canAdopt();
      owned.push(await this.adopt(obj, client));
    }
    return owned;
  }

  private canAdopt(): Promise<void> {
    this.checked ??= (async () => {
      const { name, namespace, uid } = this.set.metadata;
      const live = await this.liveSet.get(name, namespace);
      if (live.metadata.uid !== uid)
        throw new Error(
          `original StatefulSet ${namespace}/${name} is gone: got uid ${live.metadata.uid}, wanted ${uid}`,
        );
      if (live.metadata.deletionTimestamp)
        throw new Error(`${namespace}/${name} has just been deleted at ${live.metadata.deletionTimestamp}`);
    })();
    return this.checked;
  }

  private async adopt<T extends KubeObject>(obj: DeepReadonly<T>, client: OwnedClient<T>): Promise<DeepReadonly<T>> {
    const next = thaw<T>(obj);
    const refs: OwnerReference[] = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== this.set.metadata.uid);
    refs.push(controllerRefTo(this.set, StatefulSetKind));
    next.metadata.ownerReferences = refs;
    return (await client.update(next)) as DeepReadonly<T>;
  }

  private async release<T extends KubeObject>(obj: DeepReadonly<T>, client: OwnedClient<T>): Promise<void> {
    const next = thaw<T>(obj);
    const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== this.set.metadata.uid);
    if (refs.length > 0) next.metadata.ownerReferences = refs;
    else delete next.metadata.ownerReferences;
    try {
      await client.update(next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
