/**
 * The write admission plugged into the resource handler (`deps.admit`): every object about to
 * be written by create, update or patch is checked against the schema (field validation) and
 * gets its managedFields updated for the request's field manager (operation Update). Apply
 * patches keep their own books (see apply.ts); subresource writes (/status, /finalize) cannot
 * change metadata, so they are validated but not recorded.
 */
import type { KubeObject } from '../../api/meta';
import { checkFields, fieldValidationDirective, setWarnings } from '../fieldvalidation';
import { mediaType } from '../body';
import type { WriteAttempt } from '../handlers/resource';
import { schemaForKind } from '../openapi/lookup';
import { applyPatchType } from './apply';
import { managerName, recordUpdate } from './managedfields';

const jsonBodies = new Set([
  'application/json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
]);

function queryString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Admits one write; see the module comment. */
export function admitWrite(w: WriteAttempt, now: () => Date = () => new Date()): KubeObject {
  const info = w.store.strategy.info;
  const type = w.patchType ?? mediaType(w.ctx.get('content-type'));
  const warnings = checkFields({
    kind: { group: info.group, version: info.version, kind: info.kind },
    obj: w.obj,
    ...(w.old ? { old: w.old } : {}),
    ...(jsonBodies.has(type) ? { rawJson: w.raw.toString('utf8') } : {}),
    directive: fieldValidationDirective(w.ctx),
    ...(w.store.strategy.unknownFields ? { unknown: w.store.strategy.unknownFields(w.obj) } : {}),
  });
  setWarnings(w.ctx, warnings);
  if (type === applyPatchType || w.subresource) return w.obj;
  const managedFields = recordUpdate({
    old: w.old,
    obj: w.obj,
    schema: schemaForKind(info.group, info.version, info.kind),
    manager: managerName(queryString(w.ctx.query.fieldManager), w.ctx.get('user-agent')),
    scope: { hasStatus: w.store.strategy.hasStatus },
    now: now(),
  });
  const { managedFields: _previous, ...metadata } = w.obj.metadata;
  return { ...w.obj, metadata: managedFields.length > 0 ? { ...metadata, managedFields } : metadata };
}
