/**
 * Claims this controller does not provision itself, as Kubernetes' PV controller treats them:
 *
 *  - a class whose provisioner is none of our drivers (an external provisioner's): the claim
 *    gets `volume.kubernetes.io/storage-provisioner` and the beta
 *    `volume.beta.kubernetes.io/storage-provisioner` naming it (what external-provisioner and
 *    sig-storage-lib-external-provisioner watch for) and a Normal `ExternalProvisioning` event,
 *    re-announced on every sync and every `externalResyncMs` (Kubernetes' claim resync period)
 *    until a PV binds it (the recorder folds repeats into one event's count);
 *  - a claim without any class, created before a default class existed: it gets the default
 *    class (retroactive assignment, Kubernetes 1.28+), and its next sync provisions from it.
 */
import { EventType } from '../../../api/core/v1';
import { claimHasClass, defaultStorageClass } from '../../../api/storage/default_class';
import type { StorageClass } from '../../../api/storage/v1';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { getOwn } from '../../../util/json/own';
import type { Result } from '../../../util/reconcile/runner';
import { Annotation, EventReason } from './constants';
import type { ControllerContext, StoredClaim } from './deps';

/** How often a claim waiting for an external provisioner is announced again (Kubernetes' --pvclaimbinder-sync-period). */
export const externalResyncMs = 15_000;

/** Kubernetes' words for a claim left to an external provisioner. */
export function externalProvisioningMessage(provisioner: string): string {
  return `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
}

/**
 * Hands the claim to the external provisioner of `sc` (see the file comment): writes both
 * provisioner annotations when they differ, records the event, and asks to be looked at again.
 */
export async function announceExternal(
  ctx: ControllerContext,
  claim: StoredClaim,
  sc: DeepReadonly<StorageClass>,
): Promise<Result> {
  const provisioner = sc.provisioner;
  const annotations = claim.metadata.annotations ?? {};
  let current = claim;
  if (
    getOwn<string>(annotations, Annotation.StorageProvisioner) !== provisioner ||
    getOwn<string>(annotations, Annotation.BetaStorageProvisioner) !== provisioner
  ) {
    try {
      current = await ctx.pvcClient.update({
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...annotations,
            [Annotation.BetaStorageProvisioner]: provisioner,
            [Annotation.StorageProvisioner]: provisioner,
          },
        },
      });
    } catch (err) {
      ctx.recorder.event(
        claim,
        EventType.Warning,
        EventReason.ProvisioningFailed,
        `Error saving claim: ${(err as Error).message}`,
      );
      throw err;
    }
  }
  ctx.recorder.event(
    current,
    EventType.Normal,
    EventReason.ExternalProvisioning,
    externalProvisioningMessage(provisioner),
  );
  return { requeueAfter: externalResyncMs };
}

/**
 * A claim our own driver provisions that carries a storage-provisioner annotation naming
 * someone else (forged, or copied from another cluster's claim) gets both annotations set to
 * `provisioner` before provisioning, as Kubernetes' setClaimProvisioner does, so no external
 * provisioner takes it for its own. A claim without the annotations is returned unwritten.
 */
export async function correctForeignProvisioner(
  ctx: ControllerContext,
  claim: StoredClaim,
  provisioner: string,
): Promise<StoredClaim> {
  const annotations = claim.metadata.annotations ?? {};
  const keys = [Annotation.StorageProvisioner, Annotation.BetaStorageProvisioner];
  const foreign = keys.some((k) => {
    const v = getOwn<string>(annotations, k);
    return v !== undefined && v !== provisioner;
  });
  if (!foreign) return claim;
  return ctx.pvcClient.update({
    ...claim,
    metadata: {
      ...claim.metadata,
      annotations: {
        ...annotations,
        [Annotation.BetaStorageProvisioner]: provisioner,
        [Annotation.StorageProvisioner]: provisioner,
      },
    },
  });
}

/**
 * Gives a claim without any class the default StorageClass (Kubernetes' retroactive
 * assignment); true when it wrote the claim (its next sync continues from the new class).
 */
export async function assignDefaultClass(ctx: ControllerContext, claim: StoredClaim): Promise<boolean> {
  if (claimHasClass(claim)) return false;
  const sc = defaultStorageClass(ctx.classes.list());
  const name = sc?.metadata.name;
  if (!name) return false;
  await ctx.pvcClient.update({ ...claim, spec: { ...claim.spec, storageClassName: name } });
  return true;
}
