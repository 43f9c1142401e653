import { expect } from 'chai';
import { schemaForKind } from '../../../../pkg/apiserver/openapi/lookup';
import type { Json } from '../../../../pkg/apiserver/patch/merge';
import { applyStrategicMergePatch, StrategicMergePatchError } from '../../../../pkg/apiserver/patch/strategic';

const pod = schemaForKind('', 'v1', 'Pod');
const pvc = schemaForKind('', 'v1', 'PersistentVolumeClaim');
const node = schemaForKind('', 'v1', 'Node');

const basePod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      {
        name: 'c1',
        image: 'busybox:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        command: ['sleep', '1'],
      },
      { name: 'c2', image: 'nginx' },
    ],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
};

interface Case {
  name: string;
  schema?: ReturnType<typeof schemaForKind>;
  original?: Json;
  patch: Json;
  /** Paths of the result to check: [path into the result, expected value]. */
  want: [string, unknown][];
}

function at(v: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (cur, k) => (cur === undefined || cur === null ? undefined : (cur as Record<string, unknown>)[k]),
      v,
    );
}

const cases: Case[] = [
  {
    name: 'maps merge and null deletes a key',
    patch: { metadata: { labels: { tier: null, new: 'x' } } },
    want: [['metadata.labels', { app: 'web', new: 'x' }]],
  },
  {
    name: 'containers merge by name: one field changes, the rest stays',
    patch: { spec: { containers: [{ name: 'c1', image: 'busybox:2' }] } },
    want: [
      ['spec.containers.0.image', 'busybox:2'],
      ['spec.containers.0.command', ['sleep', '1']],
      ['spec.containers.1', { name: 'c2', image: 'nginx' }],
    ],
  },
  {
    name: 'a new container is appended',
    patch: { spec: { containers: [{ name: 'c3', image: 'x', env: [{ name: 'Z', value: null }] }] } },
    want: [
      ['spec.containers.length', 3],
      ['spec.containers.2', { name: 'c3', image: 'x', env: [{ name: 'Z' }] }],
    ],
  },
  {
    name: 'env merges by name inside a container',
    patch: {
      spec: {
        containers: [
          {
            name: 'c1',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
          },
        ],
      },
    },
    want: [
      [
        'spec.containers.0.env',
        [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ],
      ],
    ],
  },
  {
    name: 'volumeMounts merge by mountPath',
    patch: {
      spec: {
        containers: [
          {
            name: 'c1',
            volumeMounts: [
              { mountPath: '/data', readOnly: true },
              { name: 'logs', mountPath: '/logs' },
            ],
          },
        ],
      },
    },
    want: [
      [
        'spec.containers.0.volumeMounts',
        [
          { name: 'data', mountPath: '/data', readOnly: true },
          { name: 'logs', mountPath: '/logs' },
        ],
      ],
    ],
  },
  {
    name: 'ports merge by containerPort',
    patch: { spec: { containers: [{ name: 'c1', ports: [{ containerPort: 80, name: 'http' }] }] } },
    want: [['spec.containers.0.ports', [{ containerPort: 80, protocol: 'TCP', name: 'http' }]]],
  },
  {
    name: '$patch: delete removes a list item by key',
    patch: { spec: { containers: [{ name: 'c2', $patch: 'delete' }] } },
    want: [
      ['spec.containers.length', 1],
      ['spec.containers.0.name', 'c1'],
    ],
  },
  {
    name: '{$patch: replace} as a list element replaces the list',
    patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } },
    want: [['spec.containers', [{ name: 'only', image: 'x' }]]],
  },
  {
    name: '$patch: replace on a map replaces the map',
    patch: { metadata: { labels: { $patch: 'replace', fresh: '1' } } },
    want: [['metadata.labels', { fresh: '1' }]],
  },
  {
    name: '$patch: delete on a map deletes the field',
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: [
      ['metadata.labels', undefined],
      ['metadata.name', 'p'],
    ],
  },
  {
    name: 'a list without a strategy (command) is replaced',
    patch: { spec: { containers: [{ name: 'c1', command: ['true'] }] } },
    want: [['spec.containers.0.command', ['true']]],
  },
  {
    name: 'an atomic list of structs (tolerations) is replaced',
    patch: { spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } },
    want: [['spec.tolerations', [{ key: 'other', operator: 'Exists' }]]],
  },
  {
    name: 'finalizers (merge strategy, scalars) are a union',
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: [['metadata.finalizers', ['a', 'b', 'c']]],
  },
  {
    name: '$deleteFromPrimitiveList removes values',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: [['metadata.finalizers', ['b']]],
  },
  {
    name: '$setElementOrder reorders and does not fail',
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'c2' }, { name: 'c1' }],
        containers: [{ name: 'c1', image: 'i' }],
      },
    },
    want: [
      ['spec.containers.0.name', 'c2'],
      ['spec.containers.1.image', 'i'],
    ],
  },
  {
    name: '$retainKeys drops keys not listed (volume source switch)',
    patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'emptyDir'], emptyDir: {} }] } },
    want: [['spec.volumes', [{ name: 'data', emptyDir: {} }]]],
  },
  {
    name: 'conditions merge by type',
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    want: [
      [
        'status.conditions',
        [
          { type: 'Ready', status: 'True' },
          { type: 'PodScheduled', status: 'True' },
        ],
      ],
    ],
  },
  {
    name: 'PVC accessModes (atomic) are replaced and requests merge',
    schema: pvc,
    original: {
      metadata: { name: 'c' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } } },
    },
    patch: { spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } } },
    want: [
      ['spec.accessModes', ['ReadWriteMany']],
      ['spec.resources', { requests: { storage: '2Gi' }, limits: { storage: '2Gi' } }],
    ],
  },
  {
    name: 'node addresses merge by type',
    schema: node,
    original: {
      metadata: { name: 'n' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '1' },
          { type: 'Hostname', address: 'h' },
        ],
      },
    },
    patch: { status: { addresses: [{ type: 'InternalIP', address: '2' }] } },
    want: [
      [
        'status.addresses',
        [
          { type: 'InternalIP', address: '2' },
          { type: 'Hostname', address: 'h' },
        ],
      ],
    ],
  },
  {
    name: 'unknown fields merge like maps',
    patch: { spec: { extra: { a: 1 } } },
    want: [['spec.extra', { a: 1 }]],
  },
];

describe('strategic merge patch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const original = c.original ?? (structuredClone(basePod) as unknown as Json);
      const before = JSON.stringify(original);
      const out = applyStrategicMergePatch(original, c.patch, c.schema ?? pod);
      for (const [path, want] of c.want) {
        if (path.endsWith('.length'))
          expect((at(out, path.slice(0, -'.length'.length)) as unknown[]).length, path).to.equal(want);
        else expect(at(out, path), path).to.deep.equal(want);
      }
      expect(JSON.stringify(original), 'the original is not modified').to.equal(before);
    });
  }

  it('rejects a keyed list item without its merge key, and unknown $patch values', () => {
    expect(() =>
      applyStrategicMergePatch(basePod as unknown as Json, { spec: { containers: [{ image: 'x' }] } }, pod),
    ).to.throw(StrategicMergePatchError, /merge key: name/);
    expect(() =>
      applyStrategicMergePatch(basePod as unknown as Json, { metadata: { $patch: 'explode' } }, pod),
    ).to.throw(StrategicMergePatchError, /unknown patch type/);
    expect(() => applyStrategicMergePatch(basePod as unknown as Json, ['x'], pod)).to.throw(StrategicMergePatchError);
  });

  it('applies the patch kubectl apply computed for an env change (with $setElementOrder)', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'c1' }, { name: 'c2' }],
        containers: [
          { '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '3' }], name: 'c1' },
        ],
      },
    };
    const out = applyStrategicMergePatch(basePod as unknown as Json, patch, pod);
    expect(at(out, 'spec.containers.0.env')).to.deep.equal([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
    ]);
    expect(at(out, 'spec.containers.1.name')).to.equal('c2');
    expect(at(out, 'metadata.annotations')).to.deep.equal({ 'kubectl.kubernetes.io/last-applied-configuration': '{}' });
  });
});
