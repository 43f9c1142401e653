/**
 * fast-check arbitraries for the apiserver fuzz suite: JSON documents whose keys favour the
 * dangerous names (`__proto__`, `constructor`, `prototype`) and the fields the API reads, valid-ish
 * objects of every kind with random changes, patches of every type, query strings, headers and
 * URL paths. Documents are built with own properties only, so a `__proto__` key really is sent.
 */
import * as fc from 'fast-check';

/** One HTTP request of the fuzz suite. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const dangerous = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const fields = [
  'metadata',
  'spec',
  'status',
  'name',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'resourceVersion',
  'uid',
  'accessModes',
  'resources',
  'requests',
  'storage',
  'hostPath',
  'nfs',
  'path',
  'server',
  'capacity',
  'storageClassName',
  'volumeName',
  'containers',
  'volumes',
  'image',
  'apiVersion',
  'kind',
  'managedFields',
  'fieldsV1',
  'f:spec',
  'f:metadata',
  '.',
  '$patch',
  '$retainKeys',
  '$setElementOrder/finalizers',
  '$deleteFromPrimitiveList/finalizers',
  'selector',
  'matchLabels',
  'claimRef',
  'phase',
  'parameters',
  'provisioner',
  'target',
  'gracePeriodSeconds',
  'preconditions',
  'propagationPolicy',
  'dryRun',
];

/** Object keys: mostly dangerous or meaningful names, sometimes anything. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...dangerous) },
  { weight: 4, arbitrary: fc.constantFrom(...fields) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** Builds an object from entries with own data properties only (`__proto__` included). */
export function own(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  return o;
}

const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    '',
    'yes',
    'ReadWriteOnce',
    '1Gi',
    '-1',
    '/tmp/x',
    'a\u0000b',
    'default',
    'All',
    '%ZZ',
  ),
  fc.integer(),
  fc.string({ maxLength: 10 }),
);

/** Random JSON values (objects via own()), depth-bounded. */
export const jsonArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    scalarArb,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map(own),
  ),
})).value;

/** A valid object of each kind the server stores, by resource path (namespaced ones in `default`). */
export const kinds: { path: string; make: (name: string) => Record<string, unknown> }[] = [
  {
    path: '/api/v1/namespaces/default/persistentvolumeclaims',
    make: (name) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, labels: { app: 'x' } },
      spec: {
        storageClassName: 'hostPath',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    }),
  },
  {
    path: '/api/v1/persistentvolumes',
    make: (name) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: `/tmp/fuzz/${name}` },
        storageClassName: 'hostPath',
      },
    }),
  },
  {
    path: '/api/v1/namespaces/default/pods',
    make: (name) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    }),
  },
  {
    path: '/apis/storage.k8s.io/v1/storageclasses',
    make: (name) => ({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name },
      provisioner: 'kubestore.io/hostpath',
      parameters: { a: 'b' },
    }),
  },
  { path: '/api/v1/namespaces', make: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) },
  {
    path: '/apis/coordination.k8s.io/v1/namespaces/default/leases',
    make: (name) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name },
      spec: { holderIdentity: 'h' },
    }),
  },
  { path: '/api/v1/nodes', make: (name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } }) },
  {
    path: '/api/v1/namespaces/default/events',
    make: (name) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'R',
      message: 'm',
      type: 'Normal',
    }),
  },
];

/** Sets `value` at `path` inside `obj` (own properties all the way; creates objects as needed). */
function setAt(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  path.forEach((k, i) => {
    if (i === path.length - 1) {
      Object.defineProperty(cur, k, { value, writable: true, enumerable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    const child =
      typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    Object.defineProperty(cur, k, { value: child, writable: true, enumerable: true, configurable: true });
    cur = child;
  });
}

/** A valid object of kind `k` with a few random fields set (often none: then it is valid). */
export const objectOf = (k: number, name: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.array(fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), jsonArb), { maxLength: 3 }).map((changes) => {
    const obj = kinds[k]?.make(name) ?? {};
    for (const [path, value] of changes) setAt(obj, path, value);
    return obj;
  });

/** A body: a valid-ish object as JSON, garbage JSON, or garbage text. */
export const bodyText = (k: number, name: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: objectOf(k, name).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: jsonArb.map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '[]',
        '"x"',
        'a: &a [1]\nb: *a\n',
        '\u0000',
        '{"metadata":{"name":"x","name":"y"}}',
        'k8s\u0000\n\u0002v1',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );

/** A protobuf body: the k8s envelope magic, then random bytes (or a namespace-shaped envelope). */
export const protobufArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.uint8Array({ maxLength: 48 }), fc.boolean())
  .map(([bytes, envelope]) => {
    const magic = [0x6b, 0x38, 0x73, 0x00];
    // runtime.Unknown{typeMeta{apiVersion v1, kind Namespace}, raw: <bytes>}
    const typeMeta = [0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, ...Buffer.from('Namespace')];
    const head = envelope ? [0x0a, typeMeta.length, ...typeMeta, 0x12, bytes.length & 0x7f] : [];
    return Uint8Array.from([...magic, ...head, ...bytes]);
  });

const tokenArb = fc.oneof(keyArb, fc.constantFrom('0', '-', '1', '~1', '~0', ''));
const toPointer = (ts: readonly string[]): string =>
  ts.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
/** JSON pointers; half of them walk through a dangerous name (`/metadata/__proto__/x`). */
const pointerArb = fc.oneof(
  fc.array(tokenArb, { maxLength: 4 }).map(toPointer),
  fc
    .tuple(
      fc.constantFrom<string[]>([], ['metadata'], ['spec'], ['metadata', 'labels']),
      fc.constantFrom('__proto__', '__proto__', 'constructor', 'prototype'),
      fc.array(tokenArb, { minLength: 1, maxLength: 2 }),
    )
    .map(([pre, d, rest]) => toPointer([...pre, d, ...rest])),
);

/** A JSON patch document (usually an array of operations, sometimes not). */
const opArb = fc.record(
  {
    op: fc.constantFrom('add', 'add', 'replace', 'remove', 'move', 'copy', 'test', 'nope'),
    path: pointerArb,
    from: pointerArb,
    value: jsonArb,
  },
  { requiredKeys: ['op', 'path'] },
);
/** An operation aimed through a dangerous name: `add /metadata/__proto__/x`, `copy` into `/constructor/prototype`… */
const aimedOpArb = fc
  .tuple(
    fc.constantFrom('add', 'add', 'replace', 'copy', 'move'),
    fc.constantFrom<string[]>([], ['metadata'], ['metadata'], ['spec']),
    fc.constantFrom('__proto__', '__proto__', 'constructor', 'prototype'),
    fc.array(keyArb, { minLength: 1, maxLength: 2 }),
    jsonArb,
  )
  .map(([op, pre, d, rest, value]) => ({ op, path: toPointer([...pre, d, ...rest]), from: '/metadata', value }));
export const jsonPatchArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: aimedOpArb.map((op) => JSON.stringify([op])) },
  { weight: 3, arbitrary: opArb.map((op) => JSON.stringify([op])) },
  { weight: 3, arbitrary: fc.array(opArb, { maxLength: 4 }).map((ops) => JSON.stringify(ops)) },
  { weight: 1, arbitrary: jsonArb.map((v) => JSON.stringify(v) ?? 'null') },
);

/** A patch request of one of the four types, with its Content-Type and query. */
export const patchArb = (k: number, name: string): fc.Arbitrary<{ type: string; body: string; query: string }> =>
  fc.oneof(
    { weight: 3, arbitrary: jsonPatchArb.map((body) => ({ type: 'application/json-patch+json', body, query: '' })) },
    {
      weight: 2,
      arbitrary: bodyText(k, name).map((body) => ({ type: 'application/merge-patch+json', body, query: '' })),
    },
    {
      weight: 2,
      arbitrary: bodyText(k, name).map((body) => ({ type: 'application/strategic-merge-patch+json', body, query: '' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          objectOf(k, name),
          fc.constantFrom('?fieldManager=fuzz', '?fieldManager=fuzz&force=true', '', '?fieldManager='),
        )
        .map(([o, query]) => ({ type: 'application/apply-patch+yaml', body: JSON.stringify(o), query })),
    },
    { weight: 1, arbitrary: bodyText(k, name).map((body) => ({ type: 'text/plain', body, query: '' })) },
  );

/** Query parameters of reads and writes, with garbage values among the meaningful ones. */
export const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'labelSelector',
        'fieldSelector',
        'limit',
        'continue',
        'resourceVersion',
        'resourceVersionMatch',
        'watch',
        'timeoutSeconds',
        'allowWatchBookmarks',
        'fieldValidation',
        'dryRun',
        'fieldManager',
        'force',
        'gracePeriodSeconds',
        '__proto__',
        'constructor',
        'pretty',
      ),
      fc.oneof(
        fc.constantFrom(
          '',
          '0',
          '1',
          '-1',
          'true',
          'false',
          'All',
          'Strict',
          'Warn',
          'Ignore',
          'Exact',
          'NotOlderThan',
          'constructor',
          '__proto__',
          'prototype',
          '!constructor',
          'a in (b,c)',
          'metadata.name=x',
          'spec.nodeName!=n',
          'x==',
          '((',
          'abc',
          '99999999999',
          '1e3',
          '%ZZ',
        ),
        fc.integer({ min: 0, max: 60 }).map(String),
        fc.string({ maxLength: 8 }),
      ),
    ),
    { maxLength: 4 },
  )
  .map((ps) =>
    ps.length ? `?${ps.map(([k, v]) => `${k}=${v.startsWith('%') ? v : encodeURIComponent(v)}`).join('&')}` : '',
  );

const segmentArb = fc.oneof(
  fc.constantFrom(
    'api',
    'apis',
    'v1',
    'namespaces',
    'default',
    'kube-system',
    'persistentvolumeclaims',
    'persistentvolumes',
    'pods',
    'nodes',
    'storage.k8s.io',
    'status',
    'finalize',
    'binding',
    'log',
    'victim',
    '%ZZ',
    '%E0%A4%A',
    '..',
    '.',
    '__proto__',
    'constructor',
    '%00',
    'openapi',
    'v3',
    'healthz',
    'metrics',
    'version',
  ),
  fc.string({ maxLength: 6 }).map(encodeURIComponent),
);

/** A URL path: mostly under /api or /apis, sometimes anything. */
export const pathArb: fc.Arbitrary<string> = fc.oneof(
  fc.array(segmentArb, { maxLength: 6 }).map((s) => `/api/v1/${s.join('/')}`),
  fc.array(segmentArb, { maxLength: 6 }).map((s) => `/apis/${s.join('/')}`),
  fc.array(segmentArb, { maxLength: 5 }).map((s) => `/${s.join('/')}`),
);

/** Extra request headers. */
export const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      accept: fc.constantFrom(
        'application/json',
        'application/json;as=Table;v=v1;g=meta.k8s.io',
        'application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        '*/*',
        'text/html',
        'garbage;;;',
        '',
      ),
      'user-agent': fc.oneof(
        fc.constantFrom('kubectl/v1.32', '__proto__/1', 'constructor', ''),
        fc.string({ maxLength: 8 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
      ),
      'content-type': fc.constantFrom(
        'application/json',
        'application/yaml',
        'text/plain',
        'application/vnd.kubernetes.protobuf',
        'application/json; charset=utf-8',
        'multipart/form-data',
        '',
      ),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')));
