/**
 * The Table printer of a custom resource: NAME, then the version's additionalPrinterColumns
 * (or AGE when it has none), as kube-apiserver's tableconvertor. `date` columns print as ages.
 */
import type { CustomResourceColumnDefinition } from '../../api/apiextensions/v1';
import type { KubeObject } from '../../api/meta';
import { translateTimestampSince } from '../tables/duration';
import {
  ageColumn,
  column,
  nameColumn,
  type TableCell,
  type TableColumnDefinition,
  type TablePrinter,
} from '../tables/types';
import { parseJsonPath, valueAtPath } from './jsonpath';

const columnTypes: readonly TableColumnDefinition['type'][] = ['integer', 'number', 'string', 'boolean', 'date'];

function cell(c: CustomResourceColumnDefinition, obj: KubeObject, now: Date): TableCell {
  const steps = parseJsonPath(c.jsonPath);
  const v = steps ? valueAtPath(obj, steps) : undefined;
  if (v === undefined || v === null) return '';
  if (c.type === 'date' && typeof v === 'string') return translateTimestampSince(v, now);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The printer for a version's columns. */
export function customResourcePrinter(columns: readonly CustomResourceColumnDefinition[] | undefined): TablePrinter {
  const cols = columns ?? [];
  if (cols.length === 0)
    return {
      columns: [nameColumn, ageColumn],
      cells: (obj, now) => [obj.metadata.name ?? '', translateTimestampSince(obj.metadata.creationTimestamp, now)],
    };
  return {
    columns: [
      nameColumn,
      ...cols.map((c) => {
        const type = columnTypes.find((t) => t === c.type) ?? 'string';
        return column(c.name, c.description ?? '', { priority: c.priority ?? 0, format: c.format ?? '', type });
      }),
    ],
    cells: (obj, now) => [obj.metadata.name ?? '', ...cols.map((c) => cell(c, obj, now))],
  };
}
