/**
 * Dynamic provisioning for one claim: asks the class's driver (its controller half) for
 * storage, records it, creates the PV `pvName` and binds it. For a WaitForFirstConsumer claim
 * the selected node's topology goes with the request (CSI's accessibility requirements), and
 * the segments the driver reports back become the PV's required node affinity.
 */
import type { NodeSelectorTerm, PersistentVolume } from '../../../api/core/v1';
import { EventType, PersistentVolumePhase } from '../../../api/core/v1';
import { isAlreadyExists } from '../../../api/errors';
import { type Result, TerminalError } from '../../../util/reconcile/runner';
import { NoProvisioner } from '../../../api/storage/v1';
import { announceExternal, assignDefaultClass, correctForeignProvisioner } from './external';
import { bind, claimRefFor, refersTo } from './bind';
import { Annotation, EventReason } from './constants';
import { provisionerOf, unsupportedByDriver } from './drivers';
import type { ControllerContext, StoredClaim, StoredVolume } from './deps';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type {
  CreatedVolume,
  CreateVolumeRequest,
  Topology,
  TopologyRequirement,
} from '../../../volume/controller_service';
import { contentSourceFor, DataSourceProblem } from './data_source';
import { ProvisioningError } from '../../../volume/errors';
import { prepareRecord } from '../../../volume/dirs/provisioning_records';
import { objectKey } from '../../../api/keys';

/** Kubernetes' reserved provisioner names: one no driver here has is an error there, never an external provisioner's. */
function isInTreeName(provisioner: string): boolean {
  return provisioner.startsWith('kubernetes.io/');
}

/** The required node affinity of a volume reachable from `segments` (one term per segment, as external-provisioner builds it). */
export function nodeAffinityFor(segments: readonly Topology[]): PersistentVolume['spec']['nodeAffinity'] {
  const terms: NodeSelectorTerm[] = segments.map((seg) => ({
    matchExpressions: Object.entries(seg).map(([key, value]) => ({ key, operator: 'In' as const, values: [value] })),
  }));
  return terms.length ? { required: { nodeSelectorTerms: terms } } : undefined;
}

/**
 * Provisions a PV named `pvName` for the claim from its class and binds it. The name is fixed
 * (the claim's uid, or the claim's volumeName), so a retry or a restarted controller finds
 * the PV it already made instead of making a second one.
 */
export async function provisionAndBind(
  ctx: ControllerContext,
  claimIn: StoredClaim,
  pvName: string,
  topology?: TopologyRequirement,
): Promise<Result | void> {
  let claim = claimIn;
  const existing = ctx.volumes.get(pvName);
  if (existing) {
    if (!existing.spec.claimRef || refersTo(existing, claim)) {
      // A crash between the PV's create and its record's completion is finished here.
      await adoptVolume(ctx, existing);
      await bind(ctx, claim, existing);
    }
    return;
  }
  const className = claim.spec.storageClassName ?? '';
  if (!className) {
    // Retroactive default class: only a claim that did not name its volume (as Kubernetes).
    if (!claim.spec.volumeName && (await assignDefaultClass(ctx, claim))) return;
    ctx.recorder.event(
      claim,
      EventType.Normal,
      EventReason.FailedBinding,
      'no persistent volumes available for this claim and no storage class is set',
    );
    return;
  }
  const sc = ctx.classes.get(className);
  if (!sc) {
    ctx.recorder.event(
      claim,
      EventType.Warning,
      EventReason.ProvisioningFailed,
      `storageclass.storage.k8s.io "${className}" not found`,
    );
    return;
  }
  const driver = ctx.drivers.forClass(className, sc);
  // An external provisioner's class: announce the claim to it (a named volume is not its to make).
  if (!driver && !claim.spec.volumeName && !isInTreeName(sc.provisioner)) return announceExternal(ctx, claim, sc);
  if (!driver && isInTreeName(sc.provisioner) && sc.provisioner !== NoProvisioner) {
    // Kubernetes' words for a reserved name it has no plugin for.
    const message = `no volume plugin matched name: ${sc.provisioner}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    return;
  }
  if (!driver) {
    ctx.recorder.event(
      claim,
      EventType.Normal,
      EventReason.FailedBinding,
      `waiting for a volume to be created by provisioner "${sc.provisioner}" (not one of this controller's); or for a matching volume`,
    );
    return;
  }
  // As Kubernetes: a claim with a selector binds only an existing PV whose labels match; a new
  // volume would not carry them, so it is never provisioned (the claim waits for such a PV).
  if (hasSelector(claim)) {
    ctx.recorder.event(
      claim,
      EventType.Warning,
      EventReason.ProvisioningFailed,
      `claim.Spec.Selector is not supported for dynamic provisioning on StorageClass "${className}": the claim binds only an existing PersistentVolume whose labels match its selector`,
    );
    return;
  }
  const unsupported = unsupportedByDriver(driver, claim);
  if (unsupported) {
    const message = `failed to provision volume with StorageClass "${className}": ${unsupported}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    throw new TerminalError(message);
  }
  claim = await correctForeignProvisioner(ctx, claim, sc.provisioner);
  const provisioner = ctx.controllerOf(driver);
  let contentSource: CreateVolumeRequest['contentSource'] | 'foreign' | undefined;
  try {
    contentSource = await contentSourceFor(ctx, claim, driver);
  } catch (err) {
    if (!(err instanceof DataSourceProblem)) throw err;
    const message = `failed to provision volume with StorageClass "${className}": ${err.message}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    throw new Error(message);
  }
  if (contentSource === 'foreign') {
    const src = claim.spec.dataSourceRef ?? claim.spec.dataSource;
    ctx.recorder.event(
      claim,
      EventType.Warning,
      EventReason.UnrecognizedDataSourceKind,
      `the data source ${src?.kind ?? ''}${src?.apiGroup ? `.${src.apiGroup}` : ''} "${src?.name ?? ''}" is neither a VolumeSnapshot nor a PersistentVolumeClaim, the only kinds ${sc.provisioner} fills; the claim stays Pending until a volume populator of that kind provides the volume`,
    );
    return;
  }
  let made: CreatedVolume;
  try {
    made = await provisioner.createVolume({
      pvName,
      claim,
      storageClass: sc,
      ...(topology ? { accessibilityRequirements: topology } : {}),
      ...(contentSource ? { contentSource } : {}),
    });
  } catch (err) {
    const message = `failed to provision volume with StorageClass "${className}": ${(err as Error).message}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    if (err instanceof ProvisioningError) throw new Error(message);
    throw err;
  }
  // The record comes before the PV (see provisioning_records.ts and reclaim_guard.ts).
  await prepareRecord(ctx.records, {
    pvName,
    claimUid: claim.metadata.uid,
    claim: objectKey(claim),
    type: driver.identity.type,
    path: made.localPath,
  });
  const nodeAffinity = nodeAffinityFor(made.accessibleTopology ?? []);
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: pvName,
      // As Kubernetes' provisioner: the controller bound it (its claimRef is set at birth).
      annotations: {
        ...made.annotations,
        [Annotation.ProvisionedBy]: sc.provisioner,
        [Annotation.BoundByController]: 'yes',
      },
    },
    spec: {
      ...made.source,
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec.accessModes?.length ? [...claim.spec.accessModes] : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      claimRef: claimRefFor(claim),
      // The claim's mode (its driver supports it: checked above).
      volumeMode: claim.spec.volumeMode ?? 'Filesystem',
      ...(nodeAffinity ? { nodeAffinity } : {}),
    },
    status: { phase: PersistentVolumePhase.Pending },
  };
  let created: StoredVolume;
  try {
    created = await ctx.pvClient.create(pv);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    created = await ctx.pvClient.get(pvName);
    if (created.spec.claimRef && !refersTo(created, claim)) return;
  }
  await provisioner.adoptVolume(created);
  ctx.recorder.event(
    claim,
    EventType.Normal,
    EventReason.ProvisioningSucceeded,
    `Successfully provisioned volume ${pvName} using ${sc.provisioner}`,
  );
  await bind(ctx, claim, created);
}

/** Lets the provisioner of a PV complete its provisioning record (a no-op unless it is uncompleted and matches). */
export async function adoptVolume(ctx: ControllerContext, pv: DeepReadonly<StoredVolume>): Promise<void> {
  await provisionerOf(ctx, pv)?.adoptVolume(pv);
}

/** True when the claim's selector has any requirement (an empty selector selects everything). */
function hasSelector(claim: StoredClaim): boolean {
  const sel = claim.spec.selector;
  return Boolean(sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0));
}
