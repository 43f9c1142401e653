/**
 * Renders responses in the representation the client asked for: the object as is, a
 * meta.k8s.io Table (kubectl get), or PartialObjectMetadata. Plugged into the resource
 * handler as `deps.render` (get/list/…) and `deps.watchEncoder` (each watch event's object).
 * On a watch, only the first Table carries column definitions, as kube-apiserver does.
 */
import type { Context } from 'koa';
import type { KubeObject, ListMeta, ObjectList } from '../../api/meta';
import type { Store } from '../registry/store';
import { controllerRevisionPrinter, statefulSetPrinter } from './apps';
import { eventPrinter, leasePrinter, namespacePrinter, nodePrinter } from './core';
import { includeObjectParam, negotiate, type IncludeObject, type Representation } from './negotiate';
import { podPrinter } from './pod';
import { bindingPrinter } from './rbac';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage';
import { column, nameColumn, type Table, type TablePrinter, type TableRow } from './types';

/** Printers by resource (plural) name. */
export const printers: Readonly<Record<string, TablePrinter>> = {
  persistentvolumes: persistentVolumePrinter,
  persistentvolumeclaims: persistentVolumeClaimPrinter,
  pods: podPrinter,
  storageclasses: storageClassPrinter,
  nodes: nodePrinter,
  events: eventPrinter,
  namespaces: namespacePrinter,
  leases: leasePrinter,
  statefulsets: statefulSetPrinter,
  controllerrevisions: controllerRevisionPrinter,
  rolebindings: bindingPrinter,
  clusterrolebindings: bindingPrinter,
};

/** NAME, CREATED AT: the table of kinds without a printer. */
export const defaultPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Created At',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
      { type: 'date' },
    ),
  ],
  cells: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''],
};

/** Options of a table conversion. */
export interface TableOptions {
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  /** Omit column definitions (watch events after the first). */
  noHeaders?: boolean;
  now?: Date;
}

function isList(body: KubeObject | ObjectList<KubeObject>): body is ObjectList<KubeObject> {
  return Array.isArray((body as { items?: unknown }).items);
}

/** The PartialObjectMetadata of an object. */
export function partialObjectMetadata(obj: KubeObject, version: 'v1' | 'v1beta1'): KubeObject {
  return { apiVersion: `meta.k8s.io/${version}`, kind: 'PartialObjectMetadata', metadata: obj.metadata };
}

/** Converts an object or a list into a Table. */
export function toTable(printer: TablePrinter, body: KubeObject | ObjectList<KubeObject>, opts: TableOptions): Table {
  const now = opts.now ?? new Date();
  const items = isList(body) ? body.items : [body];
  const metadata: ListMeta = {};
  if (isList(body)) {
    if (body.metadata.resourceVersion) metadata.resourceVersion = body.metadata.resourceVersion;
    if (body.metadata.continue) metadata.continue = body.metadata.continue;
    if (body.metadata.remainingItemCount !== undefined) metadata.remainingItemCount = body.metadata.remainingItemCount;
  } else if (body.metadata.resourceVersion) {
    metadata.resourceVersion = body.metadata.resourceVersion;
  }
  const rows: TableRow[] = items.map((obj) => {
    const row: TableRow = { cells: printer.cells(obj, now) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj, opts.version);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: opts.noHeaders ? [] : [...printer.columns],
    rows,
  };
}

function printerFor(store: Store): TablePrinter {
  return store.strategy.printer ?? printers[store.strategy.info.resource] ?? defaultPrinter;
}

function representation(ctx: Context): Representation {
  return negotiate(ctx.get('accept') || undefined);
}

/** `deps.render`: the response body of get/list/create/update/patch/delete in the asked representation. */
export function renderResponse(ctx: Context, store: Store, data: KubeObject | ObjectList<KubeObject>): unknown {
  if (data.kind === 'Status') return data;
  const rep = representation(ctx);
  if (rep.as === 'Object') return data;
  if (rep.as === 'PartialObjectMetadata') {
    if (!isList(data)) return partialObjectMetadata(data, rep.version);
    return {
      apiVersion: `meta.k8s.io/${rep.version}`,
      kind: 'PartialObjectMetadataList',
      metadata: data.metadata,
      items: data.items.map((o) => partialObjectMetadata(o, rep.version)),
    };
  }
  return toTable(printerFor(store), data, {
    version: rep.version,
    includeObject: includeObjectParam(ctx.query.includeObject),
  });
}

/** `deps.watchEncoder`: encodes each watched object in the asked representation. */
export function watchEncoder(plain: (obj: KubeObject) => string) {
  return (ctx: Context, store: Store): ((obj: KubeObject) => string) => {
    const rep = representation(ctx);
    if (rep.as === 'Object') return plain;
    if (rep.as === 'PartialObjectMetadata') return (obj) => JSON.stringify(partialObjectMetadata(obj, rep.version));
    const includeObject = includeObjectParam(ctx.query.includeObject);
    const printer = printerFor(store);
    let first = true;
    return (obj) => {
      const table = toTable(printer, obj, { version: rep.version, includeObject, noHeaders: !first });
      first = false;
      return JSON.stringify(table);
    };
  };
}
