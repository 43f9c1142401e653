/**
 * The object filter of a list or watch query: label selector, field selector over the
 * strategy's selectable fields, and an optional name (a watch of one object).
 */
import { badRequest } from '../../api/errors';
import { FieldSelectorError, parseFieldSelector } from '../../api/fields';
import { parseLabelSelector, SelectorParseError } from '../../api/labels';
import type { KubeObject } from '../../api/meta';
import type { Strategy } from './strategy';

/** The query fields objectMatcher reads. */
export interface SelectorQuery {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

/** A predicate over the resource's objects; a bad selector is a 400. */
export function objectMatcher<T extends KubeObject>(
  strategy: Strategy<T>,
  q: SelectorQuery,
  name?: string,
): (obj: T) => boolean {
  try {
    const labels = parseLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(q.fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...strategy.selectableFields,
    ]);
    if (labels.empty() && fields.empty() && !name) return () => true;
    return (obj) =>
      (!name || obj.metadata.name === name) &&
      labels.matches(obj.metadata.labels) &&
      (fields.empty() ||
        fields.matches({
          'metadata.name': obj.metadata.name,
          'metadata.namespace': obj.metadata.namespace,
          ...strategy.fields(obj),
        }));
  } catch (err) {
    if (err instanceof SelectorParseError || err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
}
