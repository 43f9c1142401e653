/**
 * The `paths` of a group-version's OpenAPI v3 document: one entry per URL with its
 * operations, each carrying `x-kubernetes-action` and `x-kubernetes-group-version-kind`.
 * kubectl reads them: it sends `fieldValidation` only when the PATCH operation of a kind lists
 * that query parameter, and computes strategic merge patches only when the PATCH operation
 * accepts `application/strategic-merge-patch+json`.
 */
import type { ResourceInfo } from '../../api/resources';
import { groupVersionPath } from '../../api/resources';
import { autoscalingName, scaleGvk } from './definitions/autoscaling';
import { metaName, refPrefix, type GroupVersionKind, type Schema } from './schema';

/** The schema of autoscaling/v1 Scale (what every scale subresource speaks). */
const scaleSchemaName = autoscalingName('Scale');

/** An OpenAPI v3 parameter. */
export interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: Schema;
}

/** An OpenAPI v3 operation (the fields Kubernetes fills in). */
export interface Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required: boolean };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': GroupVersionKind;
}

/** An OpenAPI v3 path item. */
export interface PathItem {
  parameters?: Parameter[];
  get?: Operation;
  put?: Operation;
  post?: Operation;
  delete?: Operation;
  patch?: Operation;
}

const q = (name: string, description: string, schema: Schema = { type: 'string', uniqueItems: true }): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
});
const bool: Schema = { type: 'boolean', uniqueItems: true };
const int: Schema = { type: 'integer', uniqueItems: true };

const params = {
  pretty: q(
    'pretty',
    "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
  ),
  dryRun: q(
    'dryRun',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: q(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  ),
  force: q(
    'force',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    bool,
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.',
    int,
  ),
  propagationPolicy: q(
    'propagationPolicy',
    "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
  ),
  labelSelector: q(
    'labelSelector',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  ),
  fieldSelector: q(
    'fieldSelector',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  ),
  limit: q(
    'limit',
    'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.',
    int,
  ),
  continue: q('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: q(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from. Defaults to unset',
  ),
  resourceVersionMatch: q(
    'resourceVersionMatch',
    'resourceVersionMatch determines how resourceVersion is applied to list calls. Defaults to unset',
  ),
  timeoutSeconds: q(
    'timeoutSeconds',
    'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
    int,
  ),
  watch: q(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
    bool,
  ),
  allowWatchBookmarks: q(
    'allowWatchBookmarks',
    'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag.',
    bool,
  ),
};

const listParams = [
  params.allowWatchBookmarks,
  params.continue,
  params.fieldSelector,
  params.labelSelector,
  params.limit,
  params.resourceVersion,
  params.resourceVersionMatch,
  params.timeoutSeconds,
  params.watch,
];

const pathParam = (name: string, description: string): Parameter => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const content = (name: string) => {
  const schema: Schema = { $ref: `${refPrefix}${name}` };
  return { 'application/json': { schema }, 'application/yaml': { schema } };
};

const ok = (name: string, codes: string[]) =>
  Object.fromEntries([
    ...codes.map((c) => [
      c,
      { description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK', content: content(name) },
    ]),
    ['401', { description: 'Unauthorized' }],
  ]);

const groupPrefix = (group: string): string =>
  group === '' ? 'CoreV1' : `${(group.split('.')[0] ?? '').replace(/^./, (c) => c.toUpperCase())}V1`;

/** The patch media types of built-in resources. */
const defaultPatchTypes: readonly string[] = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** The paths of one resource, given the component names of its kind and list kind. */
export function resourcePaths(
  r: ResourceInfo,
  kindSchema: string,
  listSchema: string,
  patchTypes: readonly string[] = defaultPatchTypes,
): Record<string, PathItem> {
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const tag = r.group === '' ? 'core_v1' : `${r.group.split('.')[0] ?? ''}_${r.version}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const id = (verb: string, suffix = '') => `${verb}${groupPrefix(r.group)}${scope}${r.kind}${suffix}`;
  const op = (
    action: string,
    verb: string,
    description: string,
    extra: Partial<Operation>,
    suffix = '',
    opGvk: GroupVersionKind = gvk,
  ): Operation => ({
    tags: [tag],
    description,
    operationId: id(verb, suffix),
    responses: {},
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': opGvk,
  });
  const body = (types: string[], schemaName: string) => ({
    content: Object.fromEntries(types.map((t) => [t, { schema: { $ref: `${refPrefix}${schemaName}` } }])),
    required: true,
  });
  const writeParams = [params.dryRun, params.fieldManager, params.fieldValidation];
  const patchBody = body([...patchTypes], metaName('Patch'));
  const itemOps = (what: string, suffix: string, schema = kindSchema, opGvk = gvk): PathItem => ({
    get: op(
      'get',
      'read',
      `read ${what} of the specified ${r.kind}`,
      { responses: ok(schema, ['200']) },
      suffix,
      opGvk,
    ),
    put: op(
      'put',
      'replace',
      `replace ${what} of the specified ${r.kind}`,
      {
        parameters: writeParams,
        requestBody: body(['*/*'], schema),
        responses: ok(schema, ['200', '201']),
      },
      suffix,
      opGvk,
    ),
    patch: op(
      'patch',
      'patch',
      `partially update ${what} of the specified ${r.kind}`,
      {
        parameters: [...writeParams, params.force],
        requestBody: patchBody,
        responses: ok(schema, ['200', '201']),
      },
      suffix,
      opGvk,
    ),
  });

  const base = `${groupVersionPath(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
  const common = [
    ...(r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : []),
    params.pretty,
  ];
  const named = [pathParam('name', `name of the ${r.kind}`), ...common];
  const paths: Record<string, PathItem> = {
    [base]: {
      parameters: common,
      get: op('list', 'list', `list or watch objects of kind ${r.kind}`, {
        parameters: listParams,
        responses: ok(listSchema, ['200']),
      }),
      post: op('post', 'create', `create a ${r.kind}`, {
        parameters: writeParams,
        requestBody: body(['*/*'], kindSchema),
        responses: ok(kindSchema, ['200', '201', '202']),
      }),
      ...(r.verbs.includes('deletecollection')
        ? {
            delete: op('deletecollection', 'delete', `delete collection of ${r.kind}`, {
              parameters: [
                ...listParams.filter((p) => p.name !== 'watch'),
                params.dryRun,
                params.gracePeriodSeconds,
                params.propagationPolicy,
              ],
              responses: ok(metaName('Status'), ['200']),
            }),
          }
        : {}),
    },
    [`${base}/{name}`]: {
      parameters: named,
      ...itemOps(r.kind, ''),
      delete: op('delete', 'delete', `delete a ${r.kind}`, {
        parameters: [params.dryRun, params.gracePeriodSeconds, params.propagationPolicy],
        requestBody: body(['*/*'], metaName('DeleteOptions')),
        responses: ok(metaName('Status'), ['200', '202']),
      }),
    },
  };
  const collectionDelete = paths[base]?.delete;
  if (collectionDelete) collectionDelete.operationId = `delete${groupPrefix(r.group)}Collection${scope}${r.kind}`;
  if (r.subresources.includes('status'))
    paths[`${base}/{name}/status`] = { parameters: named, ...itemOps('status', 'Status') };
  if (r.subresources.includes('scale'))
    paths[`${base}/{name}/scale`] = { parameters: named, ...itemOps('scale', 'Scale', scaleSchemaName, scaleGvk) };
  const finalize = itemOps('finalize', 'Finalize').put;
  if (r.subresources.includes('finalize') && finalize)
    paths[`${base}/{name}/finalize`] = { parameters: named, put: finalize };
  if (r.namespaced) {
    paths[`${groupVersionPath(r)}/${r.resource}`] = {
      parameters: [params.pretty],
      get: {
        ...op('list', 'list', `list or watch objects of kind ${r.kind}`, {
          parameters: listParams,
          responses: ok(listSchema, ['200']),
        }),
        operationId: `list${groupPrefix(r.group)}${r.kind}ForAllNamespaces`,
      },
    };
  }
  return paths;
}
