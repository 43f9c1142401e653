/**
 * Delete propagation as kube-apiserver's generic registry decides it
 * (deletionFinalizersForGarbageCollection): a DELETE with propagationPolicy Orphan (or the
 * deprecated orphanDependents: true) puts the `orphan` finalizer on the object, Foreground puts
 * `foregroundDeletion`, Background puts neither. An explicit choice replaces the other GC
 * finalizer; without one, the finalizer already on the object stands (so re-deleting a
 * terminating object with no options changes nothing). Every resource defaults to Background.
 */
import { DeletionPropagation, type DeleteOptions, GCFinalizer } from '../../api/meta';

/** Which GC finalizer a delete asks for: one of them, none, or "keep what the object has". */
type Wanted = GCFinalizer | 'none' | 'keep';

function wanted(opts: DeleteOptions): Wanted {
  if (opts.orphanDependents !== undefined) return opts.orphanDependents ? GCFinalizer.OrphanDependents : 'none';
  switch (opts.propagationPolicy) {
    case DeletionPropagation.Orphan:
      return GCFinalizer.OrphanDependents;
    case DeletionPropagation.Foreground:
      return GCFinalizer.DeleteDependents;
    case DeletionPropagation.Background:
      return 'none';
    default:
      return 'keep';
  }
}

const isGCFinalizer = (f: string): boolean => f === GCFinalizer.OrphanDependents || f === GCFinalizer.DeleteDependents;

/**
 * The finalizers an object should carry once `opts` deleted it, or undefined when they stay as
 * they are. Other finalizers keep their order; the GC finalizer asked for comes last.
 */
export function deletionFinalizersForGC(
  finalizers: readonly string[] | undefined,
  opts: DeleteOptions,
): string[] | undefined {
  const current = finalizers ?? [];
  const want = wanted(opts);
  if (want === 'keep') return undefined;
  const next = [...current.filter((f) => !isGCFinalizer(f)), ...(want === 'none' ? [] : [want])];
  const same = next.length === new Set(current).size && next.every((f) => current.includes(f));
  return same ? undefined : next;
}

/**
 * The reason a DeleteOptions body asking for two policies at once is invalid (kube-apiserver's
 * ValidateDeleteOptions), or undefined.
 */
export function conflictingPropagation(opts: DeleteOptions): string | undefined {
  return opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined
    ? 'orphanDependents and deletionPropagation cannot be both set'
    : undefined;
}
