/**
 * Field ownership (`metadata.managedFields`): which fields of an object a value sets, the
 * managers recorded on an object, and the bookkeeping of non-apply writes (operation Update),
 * which take ownership of what they change away from everyone else, without conflicts.
 *
 * Membership follows structured-merge-diff: scalars, atomic lists/maps/structs, map nodes
 * (`.` of `f:labels`), items of associative lists and sets are members; plain structs are not
 * (only their fields are). apiVersion, kind and server-owned metadata are never owned; the
 * status of a kind with a status subresource is not owned through the main resource.
 */
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta';
import { fieldSchema, isGranular, itemSchema, listSemantics, resolve, shapeOf } from '../openapi/lookup';
import type { Schema } from '../openapi/schema';
import { jsonEqual } from '../../util/json/equal';
import { getOwn } from '../../util/json/own';
import {
  childKey,
  fieldElement,
  FieldSet,
  fromFieldsV1,
  indexElement,
  keyElement,
  pathKey,
  toFieldsV1,
  valueElement,
  type FieldPath,
} from './fieldset';
import { rfc3339 } from '../../api/time';

/** The fields a value sets: all members, and the leaves among them (compared by value). */
export interface ValueFields {
  all: FieldSet;
  leaves: FieldSet;
  /** The value of each leaf, by path key. */
  values: Map<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ignoredMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Which top-level parts of an object a write through one endpoint may own. */
export interface OwnershipScope {
  /** The kind has a status subresource (status is not owned through the main resource). */
  hasStatus: boolean;
  /** The write went through this subresource. */
  subresource?: string;
}

/** The members (and leaves) of `value` under `schema`. */
export function fieldsOf(
  value: unknown,
  schema: Schema | undefined,
  scope: OwnershipScope = { hasStatus: false },
): ValueFields {
  const all = new FieldSet();
  const leaves = new FieldSet();
  const values = new Map<string, unknown>();
  const leaf = (p: FieldPath, key: string, v: unknown) => {
    all.add(p, key);
    leaves.add(p, key);
    values.set(key, v);
  };
  // `key` is pathKey(path), built along the walk.
  const walk = (v: unknown, s: Schema | undefined, path: FieldPath, key: string): void => {
    if (v === null || v === undefined) {
      leaf(path, key, v);
      return;
    }
    const r = resolve(s);
    const shape = shapeOf(r);
    if ((shape === 'struct' || shape === 'map') && isRecord(v) && isGranular(r)) {
      if (shape === 'map') all.add(path, key);
      const entries = Object.entries(v);
      if (shape === 'struct' && entries.length === 0) {
        leaf(path, key, v);
        return;
      }
      for (const [k, child] of entries) {
        const e = fieldElement(k);
        walk(child, fieldSchema(r, k), [...path, e], childKey(key, e));
      }
      return;
    }
    if (shape === 'list' && Array.isArray(v)) {
      const sem = listSemantics(r);
      const items = itemSchema(r);
      if (sem.type === 'set') {
        for (const item of v) {
          const e = valueElement(item);
          leaf([...path, e], childKey(key, e), item);
        }
        return;
      }
      if (sem.type === 'map' && sem.keys.length > 0) {
        v.forEach((item, i) => {
          if (!isRecord(item)) {
            const e = indexElement(i);
            return leaf([...path, e], childKey(key, e), item);
          }
          const e = keyElement(
            Object.fromEntries(sem.keys.filter((k) => getOwn(item, k) !== undefined).map((k) => [k, getOwn(item, k)])),
          );
          const p = [...path, e];
          const itemKey = childKey(key, e);
          all.add(p, itemKey);
          walk(item, items, p, itemKey);
        });
        // An item's own path is a member, not a leaf; its fields are walked above.
        return;
      }
    }
    leaf(path, key, v);
  };
  if (!isRecord(value)) return { all, leaves, values };
  for (const [k, child] of Object.entries(value)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && scope.hasStatus && scope.subresource !== 'status') continue;
    if (scope.subresource === 'status' && k !== 'status') continue;
    const s = fieldSchema(schema, k);
    const e = fieldElement(k);
    if (k === 'metadata' && isRecord(child)) {
      for (const [mk, mv] of Object.entries(child)) {
        const me = fieldElement(mk);
        if (!ignoredMetadata.has(mk)) walk(mv, fieldSchema(s, mk), [e, me], childKey(pathKey([e]), me));
      }
      continue;
    }
    walk(child, s, [e], pathKey([e]));
  }
  return { all, leaves, values };
}

/** One manager's entry, decoded. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource: string;
  apiVersion: string;
  time?: string;
  fields: FieldSet;
}

/** Decodes `metadata.managedFields`. */
export function decodeManagers(entries: readonly ManagedFieldsEntry[] | undefined): Manager[] {
  return (entries ?? []).map((e) => ({
    manager: e.manager ?? '',
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    subresource: e.subresource ?? '',
    apiVersion: e.apiVersion ?? '',
    ...(e.time ? { time: e.time } : {}),
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

/** Encodes managers as `metadata.managedFields`, dropping those that own nothing. */
export function encodeManagers(managers: readonly Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.fields.size > 0)
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(m.fields),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

/** True when two entries are the same manager (name, operation and subresource). */
export function sameManager(
  a: Pick<Manager, 'manager' | 'operation' | 'subresource'>,
  b: Pick<Manager, 'manager' | 'operation' | 'subresource'>,
): boolean {
  return a.manager === b.manager && a.operation === b.operation && a.subresource === b.subresource;
}

/** The fields a write added or changed (members new to the object, leaves whose value differs). */
export function changedFields(before: ValueFields, after: ValueFields): FieldSet {
  const changed = new FieldSet();
  for (const [key, p] of after.all.entries()) {
    if (!before.all.hasKey(key)) changed.add(p, key);
    else if (
      after.values.has(key) &&
      (!before.values.has(key) || !jsonEqual(before.values.get(key), after.values.get(key)))
    )
      changed.add(p, key);
  }
  return changed;
}

/** A non-apply write to record. */
export interface UpdateRecord {
  old: KubeObject | undefined;
  obj: KubeObject;
  schema: Schema | undefined;
  manager: string;
  scope: OwnershipScope;
  now: Date;
}

/**
 * managedFields after a create/update/patch by `manager`: it gains the fields it added or
 * changed, which every other manager loses; fields the write removed are owned by nobody.
 */
export function recordUpdate(r: UpdateRecord): ManagedFieldsEntry[] {
  const after = fieldsOf(r.obj, r.schema, r.scope);
  const before = r.old ? fieldsOf(r.old, r.schema, r.scope) : undefined;
  const changed = before ? changedFields(before, after) : after.all;
  const removed = before ? before.all.difference(after.all) : new FieldSet();
  const managers = decodeManagers(r.old?.metadata.managedFields);
  const me = { manager: r.manager, operation: 'Update' as const, subresource: r.scope.subresource ?? '' };
  let mine = managers.find((m) => sameManager(m, me));
  for (const m of managers) m.fields = m.fields.difference(removed).difference(mine === m ? new FieldSet() : changed);
  if (changed.size > 0) {
    if (!mine) {
      mine = { ...me, apiVersion: r.obj.apiVersion ?? '', fields: new FieldSet() };
      managers.push(mine);
    }
    mine.fields = mine.fields.union(changed);
    mine.time = rfc3339(r.now);
    mine.apiVersion = r.obj.apiVersion ?? mine.apiVersion;
  }
  return encodeManagers(managers);
}

/** The field manager of a request: `fieldManager`, else the User-Agent up to its first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? '').split('/')[0] ?? '';
  return ua.slice(0, 128) || 'unknown';
}

/**
 * `next` with `cur`'s managedFields when the two differ only by managers' timestamps: a write
 * that changes nothing (a re-apply whose manifest differs from the object by server defaults,
 * done in a later second) stays a no-op, as Kubernetes leaves an unchanged object's times alone.
 */
export function keepManagedFieldsOfNoop<T extends KubeObject>(next: T, cur: T): T {
  const untimed = (o: KubeObject) => ({
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: undefined,
      managedFields: o.metadata.managedFields?.map(({ time: _time, ...entry }) => entry),
    },
  });
  if (!jsonEqual(untimed(next), untimed(cur))) return next;
  return { ...next, metadata: { ...next.metadata, managedFields: cur.metadata.managedFields } };
}
