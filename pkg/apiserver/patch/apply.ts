/**
 * Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`).
 *
 * The applied configuration is merged into the live object field by field (structs and maps by
 * key, associative lists by their keys, sets as unions, atomic values replaced). The manager's
 * `Apply` entry in managedFields becomes exactly the set of fields it applied; fields it applied
 * before and no longer does are removed unless another manager owns them. A field the manager
 * applies with a value different from the live one, while another manager owns it, is a
 * conflict: 409 listing each field and its owner, unless `force=true`, which takes the fields
 * over. An object without managedFields is first attributed to "before-first-apply".
 * A PATCH of this type on a missing object creates it (the handler's createOnPatch hook).
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest, StatusError } from '../../api/errors';
import { StatusReason, type KubeObject, type StatusCause } from '../../api/meta';
import { apiVersionOf } from '../../api/resources';
import { decodeDocument } from '../body';
import type { Patcher } from '../handlers/resource';
import { fieldSchema, isGranular, itemSchema, listSemantics, resolve, schemaForKind, shapeOf } from '../openapi/lookup';
import type { Schema } from '../openapi/schema';
import { FieldSet, itemIndex, keyElement, pathString, removePath, valueAt, type FieldPath } from './fieldset';
import {
  decodeManagers,
  encodeManagers,
  fieldsOf,
  sameManager,
  type Manager,
  type OwnershipScope,
} from './managedfields';
import { jsonClone } from '../../util/json/clone';
import { deleteOwn, getOwn, setOwn } from '../../util/json/own';
import { rfc3339 } from '../../api/time';

/** The media type of apply patches. */
export const applyPatchType = 'application/apply-patch+yaml';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges an applied configuration into a live value according to the schema. */
export function mergeApplied(live: unknown, cfg: unknown, schema: Schema | undefined): unknown {
  const r = resolve(schema);
  const shape = shapeOf(r);
  if ((shape === 'struct' || shape === 'map') && isRecord(cfg) && isGranular(r)) {
    const out: Record<string, unknown> = isRecord(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(cfg)) {
      if (v === null) deleteOwn(out, k);
      else setOwn(out, k, mergeApplied(getOwn(out, k), v, fieldSchema(r, k)));
    }
    return out;
  }
  if (shape === 'list' && Array.isArray(cfg)) {
    const sem = listSemantics(r);
    const out = Array.isArray(live) ? [...live] : [];
    if (sem.type === 'set') {
      for (const v of cfg) if (!out.some((o) => isDeepStrictEqual(o, v))) out.push(jsonClone(v));
      return out;
    }
    if (sem.type === 'map' && sem.keys.length > 0) {
      const items = itemSchema(r);
      for (const item of cfg) {
        const keys = isRecord(item)
          ? Object.fromEntries(sem.keys.filter((k) => getOwn(item, k) !== undefined).map((k) => [k, getOwn(item, k)]))
          : {};
        const i = isRecord(item) ? itemIndex(out, keyElement(keys)) : -1;
        if (i >= 0) out[i] = mergeApplied(out[i], item, items);
        else out.push(mergeApplied(undefined, item, items));
      }
      return out;
    }
  }
  return jsonClone(cfg);
}

/** One conflicting field and the manager owning it. */
export interface ApplyConflict {
  manager: Manager;
  path: FieldPath;
}

function managerLabel(m: Manager): string {
  const name = JSON.stringify(m.manager);
  const sub = m.subresource ? `${name} with subresource ${JSON.stringify(m.subresource)}` : name;
  return m.operation === 'Update' ? `${sub} using ${m.apiVersion}` : sub;
}

/** The 409 kube-apiserver returns for apply conflicts. */
export function conflictError(conflicts: readonly ApplyConflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${managerLabel(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  const first = conflicts[0];
  if (conflicts.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(first.manager)}: ${pathString(first.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const label = managerLabel(c.manager);
      byManager.set(label, [...(byManager.get(label) ?? []), pathString(c.path)]);
    }
    const lines = [...byManager.keys()]
      .sort()
      .flatMap((label) => [`conflicts with ${label}:`, ...(byManager.get(label) ?? []).map((p) => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, StatusReason.Conflict, message, { causes });
}

/** What an apply needs besides the live object and the configuration. */
export interface ApplyOptions {
  schema: Schema | undefined;
  manager: string;
  force: boolean;
  scope: OwnershipScope;
  now: Date;
}

/** Applies a configuration to a live object (a blank one with only a name when creating). */
export function serverSideApply(live: KubeObject, cfg: KubeObject, o: ApplyOptions): KubeObject {
  const exists = Boolean(live.metadata.uid);
  const applied = fieldsOf(cfg, o.schema, o.scope);
  let managers = decodeManagers(live.metadata.managedFields);
  if (exists && managers.length === 0) {
    managers = [
      {
        manager: 'before-first-apply',
        operation: 'Update',
        subresource: '',
        apiVersion: live.apiVersion ?? '',
        fields: fieldsOf(live, o.schema, o.scope).all,
      },
    ];
  }
  const me = { manager: o.manager, operation: 'Apply' as const, subresource: o.scope.subresource ?? '' };
  const others = managers.filter((m) => !sameManager(m, me));

  const conflicts: ApplyConflict[] = [];
  for (const m of others) {
    for (const p of applied.leaves.intersection(m.fields).paths()) {
      if (!isDeepStrictEqual(valueAt(live, p), valueAt(cfg, p))) conflicts.push({ manager: m, path: p });
    }
  }
  if (conflicts.length > 0 && !o.force) throw conflictError(conflicts);
  for (const c of conflicts) c.manager.fields.delete(c.path);

  const merged = mergeApplied(live, cfg, o.schema) as KubeObject;
  const previous = managers.find((m) => sameManager(m, me))?.fields ?? new FieldSet();
  const ownedByOthers = others.reduce((acc, m) => acc.union(m.fields), new FieldSet());
  const stale = previous
    .difference(applied.all)
    .paths()
    .filter((p) => !ownedByOthers.hasPrefix(p))
    .sort((a, b) => b.length - a.length);
  for (const p of stale) removePath(merged, p);

  const present = fieldsOf(merged, o.schema, o.scope).all;
  const next: Manager[] = [];
  for (const m of managers) {
    if (sameManager(m, me)) continue;
    m.fields = m.fields.intersection(present);
    next.push(m);
  }
  const fields = applied.all.intersection(present);
  const before = managers.find((m) => sameManager(m, me));
  const { managedFields: _liveFields, ...liveMeta } = live.metadata;
  const { managedFields: _mergedFields, ...mergedMeta } = merged.metadata;
  // A no-op re-apply leaves the object untouched: same fields, same time.
  const unchanged =
    before?.time !== undefined &&
    sameMembers(before.fields, fields) &&
    isDeepStrictEqual({ ...merged, metadata: mergedMeta }, { ...live, metadata: liveMeta });
  const mine: Manager = {
    ...me,
    apiVersion: cfg.apiVersion ?? live.apiVersion ?? '',
    time: unchanged && before?.time ? before.time : rfc3339(o.now),
    fields,
  };
  const at = managers.findIndex((m) => sameManager(m, me));
  if (at >= 0) next.splice(Math.min(at, next.length), 0, mine);
  else next.push(mine);
  merged.metadata = { ...merged.metadata, managedFields: encodeManagers(next) };
  return merged;
}

function sameMembers(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && a.difference(b).size === 0;
}

/** Decodes and checks an apply configuration for the endpoint's kind and object name. */
export function decodeApplyConfiguration(
  raw: Buffer,
  expect: { apiVersion: string; kind: string; name: string },
): KubeObject {
  const doc = decodeDocument(raw, 'yaml');
  if (!isRecord(doc)) throw badRequest('an apply configuration must be an object');
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    throw badRequest('apiVersion and kind must be set in an apply configuration');
  }
  if (apiVersion !== expect.apiVersion || kind !== expect.kind) {
    throw badRequest(
      `the apply configuration is a ${apiVersion}, Kind=${kind}, but the URL is for ${expect.apiVersion}, Kind=${expect.kind}`,
    );
  }
  const metadata = doc.metadata === undefined ? {} : doc.metadata;
  if (!isRecord(metadata)) throw badRequest('metadata must be an object');
  if (metadata.managedFields !== undefined)
    throw badRequest('metadata.managedFields must be nil in an apply configuration');
  if (metadata.name !== undefined && metadata.name !== expect.name) {
    throw badRequest(
      `the name of the object (${JSON.stringify(metadata.name)}) does not match the name on the URL (${expect.name})`,
    );
  }
  return { ...doc, metadata: { ...metadata, name: expect.name } } as KubeObject;
}

/** The apply patcher plugged into `deps.patchers[applyPatchType]`. */
export const applyPatcher: Patcher = (cur, raw, pctx) => {
  if (!pctx.fieldManager) throw badRequest('PATCH requests of type application/apply-patch+yaml must set fieldManager');
  const info = pctx.store.strategy.info;
  const cfg = decodeApplyConfiguration(raw, {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
    name: cur.metadata.name ?? '',
  });
  const scope: OwnershipScope = {
    hasStatus: pctx.store.strategy.hasStatus,
    ...(pctx.subresource ? { subresource: pctx.subresource } : {}),
  };
  const { status, ...rest } = cfg as KubeObject & { status?: unknown };
  const effective: KubeObject =
    pctx.subresource === 'status' ? ({ ...cur, status } as KubeObject) : scope.hasStatus ? rest : cfg;
  return serverSideApply(cur, effective, {
    schema: schemaForKind(info.group, info.version, info.kind),
    manager: pctx.fieldManager,
    force: pctx.force,
    scope,
    now: new Date(),
  });
};
