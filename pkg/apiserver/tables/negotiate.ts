/**
 * Content negotiation of resource responses: which representation an Accept header asks for.
 * kubectl's `get` sends `application/json;as=Table;v=v1;g=meta.k8s.io,
 * application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`; the first alternative
 * this server can produce wins. Plain JSON is the fallback for anything else it does not
 * produce (YAML, protobuf), except a header that only names transformations it lacks (406).
 */
import { badRequest, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';

/** The representation of a response. */
export type Representation =
  | { as: 'Object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

const metaVersions = new Set(['v1', 'v1beta1']);

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params = new Map<string, string>();
      for (const p of rest) {
        const i = p.indexOf('=');
        if (i > 0)
          params.set(
            p.slice(0, i).trim().toLowerCase(),
            p
              .slice(i + 1)
              .trim()
              .replace(/^"|"$/g, ''),
          );
      }
      return { type: type.toLowerCase(), params };
    });
}

const jsonLike = (type: string) => type === 'application/json' || type === '*/*' || type === 'application/*';

/** The representation an Accept header asks for. */
export function negotiate(accept: string | undefined): Representation {
  if (!accept) return { as: 'Object' };
  const ranges = parseAccept(accept);
  let sawTransform = false;
  let sawPlain = false;
  for (const r of ranges) {
    const as = r.params.get('as');
    if (!as) {
      if (jsonLike(r.type)) return { as: 'Object' };
      sawPlain = true;
      continue;
    }
    sawTransform = true;
    const version = r.params.get('v') ?? '';
    if (!jsonLike(r.type) || r.params.get('g') !== 'meta.k8s.io' || !metaVersions.has(version)) continue;
    const v = version as 'v1' | 'v1beta1';
    if (as === 'Table') return { as: 'Table', version: v };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
      return { as: 'PartialObjectMetadata', version: v };
  }
  if (sawTransform && !sawPlain) {
    throw new StatusError(
      406,
      StatusReason.NotAcceptable,
      `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io`,
    );
  }
  return { as: 'Object' };
}

/** What a Table row's `object` holds (`includeObject`): None, Metadata (default) or Object. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Parses the includeObject query parameter. */
export function includeObjectParam(value: string | string[] | undefined): IncludeObject {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw badRequest(`unrecognized includeObject value: "${v}"`);
}
