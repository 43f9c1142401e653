/**
 * PV protection: every PV carries `kubernetes.io/pv-protection`; a PV being deleted keeps it
 * while it is Bound to a claim.
 */
import type { PersistentVolume } from '../../../api/core/v1';
import { PersistentVolumePhase } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import type { Reconciler } from '../../../util/reconcile/runner';
import type { Lister } from '../../../util/reconcile/lister';
import { Finalizer, withFinalizer, withoutFinalizer } from './finalizers';

/** Dependencies of the PV protection reconciler. */
export interface PvProtectionDeps {
  volumes: Lister<PersistentVolume>;
  volumeClient: { update(obj: PersistentVolume): Promise<PersistentVolume> };
}

/** Reconciles the protection finalizer of one PV. */
export class PvProtectionReconciler implements Reconciler {
  constructor(private readonly d: PvProtectionDeps) {}

  async reconcile(name: string): Promise<void> {
    const pv = this.d.volumes.get(name);
    if (!pv) return;
    const next = pv.metadata.deletionTimestamp
      ? pv.status?.phase === PersistentVolumePhase.Bound
        ? undefined
        : withoutFinalizer<PersistentVolume>(pv, Finalizer.PVProtection)
      : withFinalizer<PersistentVolume>(pv, Finalizer.PVProtection);
    if (!next) return;
    try {
      await this.d.volumeClient.update(next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
