/**
 * The row format of the table-driven PV controller tests and the one function that runs a
 * row: initial objects → reconcile until quiescent → expected objects, events, errors and
 * provisioner calls. Everything a row does not mention is not checked, except events and
 * errors, which must match exactly (an unexpected event or error fails the row).
 */
import { expect } from 'chai';
import { PVHarness, type Initial } from './harness';

/** What a PV must look like afterwards; `null` = it must not exist. */
export interface PVExpect {
  phase?: string;
  /** `namespace/name` of its claimRef (the uid must be `uid-<name>`); null = no claimRef. */
  claim?: string | null;
  /** `namespace/name` of a claimRef that has no uid (pre-bound by name only). */
  preBoundTo?: string;
  /** Annotation values; null = absent. */
  annotations?: Record<string, string | null>;
  capacity?: string;
  policy?: string;
  source?: 'hostPath' | 'nfs';
  message?: RegExp;
  /** The resourceVersion must not have changed (nothing wrote it). */
  untouched?: boolean;
}

/** What a PVC (key `namespace/name`) must look like afterwards; `null` = it must not exist. */
export interface PVCExpect {
  phase?: string;
  /** null = no volumeName. */
  volumeName?: string | null;
  annotations?: Record<string, string | null>;
  /** status.capacity.storage. */
  capacity?: string;
  /** A condition whose message matches; null = no conditions. */
  condition?: RegExp | null;
}

/** One rule. */
export interface Row {
  name: string;
  initial: Initial;
  /** Before the first run (e.g. make the provisioner fail). */
  setup?: (h: PVHarness) => void;
  /** After the first run settled: more changes, runs and intermediate assertions. */
  then?: (h: PVHarness) => Promise<void>;
  pvs?: Record<string, PVExpect | null>;
  pvcs?: Record<string, PVCExpect | null>;
  /** Exactly the distinct events, as `Type Reason object` (object: `ns/name` or PV name). */
  events: string[];
  /** Each must match the message of some recorded event. */
  eventMessages?: RegExp[];
  /** One pattern per reconcile error, in order (default: none). */
  errors?: RegExp[];
  provisioned?: string[];
  deleted?: string[];
  recycled?: string[];
  /** Writes that must not have happened, as `resource verb key`. */
  forbidden?: string[];
}

/** Runs one row. */
export async function runRow(row: Row): Promise<PVHarness> {
  const h = new PVHarness(row.initial);
  const initialVersions = new Map(h.pvs.all().map((v) => [v.metadata.name ?? '', v.metadata.resourceVersion]));
  const firstWrite = h.tracker.actions.length;
  row.setup?.(h);
  await h.run();
  if (row.then) await row.then(h);

  for (const [name, want] of Object.entries(row.pvs ?? {})) {
    const got = h.pv(name);
    if (want === null) {
      expect(got, `PV ${name} should be gone`).to.equal(undefined);
      continue;
    }
    if (!got) throw new Error(`PV ${name} does not exist`);
    if (want.phase !== undefined) expect(got.status?.phase, `PV ${name} phase`).to.equal(want.phase);
    if (want.claim === null) expect(got.spec.claimRef, `PV ${name} claimRef`).to.equal(undefined);
    else if (want.claim !== undefined) {
      const ref = got.spec.claimRef;
      expect(`${ref?.namespace ?? ''}/${ref?.name ?? ''}`, `PV ${name} claimRef`).to.equal(want.claim);
      expect(ref?.uid, `PV ${name} claimRef.uid`).to.equal(`uid-${want.claim.split('/')[1] ?? ''}`);
    }
    if (want.preBoundTo !== undefined) {
      const ref = got.spec.claimRef;
      expect(`${ref?.namespace ?? ''}/${ref?.name ?? ''}`, `PV ${name} claimRef`).to.equal(want.preBoundTo);
      expect(ref?.uid, `PV ${name} claimRef.uid`).to.equal(undefined);
    }
    for (const [k, v] of Object.entries(want.annotations ?? {}))
      expect(got.metadata.annotations?.[k], `PV ${name} annotation ${k}`).to.equal(v ?? undefined);
    if (want.capacity !== undefined) expect(got.spec.capacity?.storage, `PV ${name} capacity`).to.equal(want.capacity);
    if (want.policy !== undefined)
      expect(got.spec.persistentVolumeReclaimPolicy, `PV ${name} reclaim policy`).to.equal(want.policy);
    if (want.source === 'hostPath') expect(got.spec.hostPath, `PV ${name} hostPath`).to.not.equal(undefined);
    if (want.source === 'nfs') expect(got.spec.nfs, `PV ${name} nfs`).to.not.equal(undefined);
    if (want.message) expect(got.status?.message ?? '', `PV ${name} message`).to.match(want.message);
    if (want.untouched)
      expect(got.metadata.resourceVersion, `PV ${name} was written`).to.equal(initialVersions.get(name));
  }

  for (const [key, want] of Object.entries(row.pvcs ?? {})) {
    const [ns = 'default', name = ''] = key.split('/');
    const got = h.pvc(name, ns);
    if (want === null) {
      expect(got, `PVC ${key} should be gone`).to.equal(undefined);
      continue;
    }
    if (!got) throw new Error(`PVC ${key} does not exist`);
    if (want.phase !== undefined) expect(got.status?.phase, `PVC ${key} phase`).to.equal(want.phase);
    if (want.volumeName !== undefined)
      expect(got.spec.volumeName, `PVC ${key} volumeName`).to.equal(want.volumeName ?? undefined);
    for (const [k, v] of Object.entries(want.annotations ?? {}))
      expect(got.metadata.annotations?.[k], `PVC ${key} annotation ${k}`).to.equal(v ?? undefined);
    if (want.capacity !== undefined)
      expect(got.status?.capacity?.storage, `PVC ${key} status.capacity`).to.equal(want.capacity);
    if (want.condition === null) expect(got.status?.conditions ?? [], `PVC ${key} conditions`).to.deep.equal([]);
    else if (want.condition) {
      const messages = (got.status?.conditions ?? []).map((c) => c.message ?? '');
      expect(
        messages.some((m) => want.condition?.test(m)),
        `PVC ${key} condition ${String(want.condition)} in ${JSON.stringify(messages)}`,
      ).to.equal(true);
    }
  }

  expect(h.eventSet(), 'events').to.deep.equal([...row.events].sort());
  const messages = h.recorder.events.map((e) => e.message);
  for (const re of row.eventMessages ?? [])
    expect(
      messages.some((m) => re.test(m)),
      `an event message ${String(re)} in ${JSON.stringify(messages)}`,
    ).to.equal(true);
  const errors = h.errors.map((e) => `${e.queue} ${e.key}: ${e.err.name}: ${e.err.message}`);
  const wantErrors = row.errors ?? [];
  expect(errors.length, `reconcile errors ${JSON.stringify(errors)}`).to.equal(wantErrors.length);
  wantErrors.forEach((re, i) => expect(errors[i]).to.match(re));
  if (row.provisioned)
    expect([...h.hostPath.provisioned, ...h.nfs.provisioned], 'provisioned').to.deep.equal(row.provisioned);
  if (row.deleted) expect([...h.hostPath.deleted, ...h.nfs.deleted], 'deleted storage').to.deep.equal(row.deleted);
  if (row.recycled) expect([...h.hostPath.recycled, ...h.nfs.recycled], 'recycled storage').to.deep.equal(row.recycled);
  const writes = h.tracker.actions.slice(firstWrite).map((a) => `${a.resource} ${a.verb} ${a.key}`);
  for (const f of row.forbidden ?? []) expect(writes, `write ${f}`).to.not.include(f);
  return h;
}
