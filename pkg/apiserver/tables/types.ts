/** meta.k8s.io Table types and the contract of a per-resource printer. */
import type { KubeObject, ListMeta } from '../../api/meta';

/** One column of a Table. */
export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; higher only with `-o wide`. */
  priority: number;
}

/** A cell value. */
export type TableCell = string | number | boolean;

/** One row: its cells (one per column) and the object it describes. */
export interface TableRow {
  cells: TableCell[];
  object?: unknown;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** A meta.k8s.io Table. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** Prints one kind: its columns and one row of cells per object. */
export interface TablePrinter {
  columns: readonly TableColumnDefinition[];
  /** Cells of one object, one per column (all priorities), as of `now`. */
  cells(obj: KubeObject, now: Date): TableCell[];
  /** Row conditions (Completed for succeeded/failed pods), when the kind has any. */
  conditions?(obj: KubeObject): TableRow['conditions'];
}

/** A column definition; `priority` 1 columns are only printed with `-o wide`. */
export function column(
  name: string,
  description: string,
  opts: { priority?: number; format?: string; type?: TableColumnDefinition['type'] } = {},
): TableColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** The Name column every kind starts with. */
export const nameColumn = column(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  { format: 'name' },
);

/** The Age column. */
export const ageColumn = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);
