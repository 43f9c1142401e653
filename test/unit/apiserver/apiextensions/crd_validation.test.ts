import { expect } from 'chai';
import type { CustomResourceDefinition } from '../../../../pkg/api/apiextensions/v1';
import {
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionUpdate,
} from '../../../../pkg/apiserver/apiextensions/crd_validation';
import { parseJsonPath, valueAtPath } from '../../../../pkg/apiserver/apiextensions/jsonpath';
import { checkNames } from '../../../../pkg/apiserver/apiextensions/naming';
import { customResourcePrinter } from '../../../../pkg/apiserver/apiextensions/printer';
import { jsonClone } from '../../../../pkg/util/json/clone';

function crd(mut: (c: CustomResourceDefinition) => void = () => {}): CustomResourceDefinition {
  const c: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'foos.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'foos', singular: 'foo', kind: 'Foo', listKind: 'FooList', shortNames: ['fo'] },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  };
  mut(c);
  return c;
}

function fields(c: CustomResourceDefinition): string[] {
  return validateCustomResourceDefinition(c).map((e) => `${e.field}: ${e.message}`);
}

describe('apiextensions: CRD validation', () => {
  it('accepts a valid CRD', () => {
    expect(fields(crd())).to.deep.equal([]);
  });
  const cases: [string, (c: CustomResourceDefinition) => void, string][] = [
    [
      'name = plural.group',
      (c) => (c.metadata.name = 'bars.example.com'),
      'metadata.name: Invalid value: "bars.example.com": must be spec.names.plural+"."+spec.group',
    ],
    [
      'group with a dot',
      (c) => ((c.spec.group = 'example'), (c.metadata.name = 'foos.example')),
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
    ],
    [
      'lower-case plural',
      (c) => ((c.spec.names.plural = 'Foos'), (c.metadata.name = 'Foos.example.com')),
      'spec.names.plural: Invalid value: "Foos"',
    ],
    ['singular label', (c) => (c.spec.names.singular = 'a_b'), 'spec.names.singular: Invalid value: "a_b"'],
    ['kind required', (c) => (c.spec.names.kind = ''), 'spec.names.kind: Required value'],
    ['kind format', (c) => (c.spec.names.kind = 'Foo-'), 'spec.names.kind: Invalid value: "Foo-"'],
    [
      'kind != listKind',
      (c) => (c.spec.names.listKind = 'Foo'),
      'spec.names.listKind: Invalid value: "Foo": kind and listKind may not be the same',
    ],
    ['shortNames', (c) => (c.spec.names.shortNames = ['ok', 'NO']), 'spec.names.shortNames[1]: Invalid value: "NO"'],
    [
      'scope',
      (c) => (c.spec.scope = 'Global' as 'Cluster'),
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ],
    [
      'one storage version',
      (c) =>
        c.spec.versions.push({
          name: 'v2',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object' } },
        }),
      'must have exactly one version marked as storage version',
    ],
    [
      'no storage version',
      (c) =>
        (c.spec.versions[0] = {
          name: 'v1',
          served: true,
          storage: false,
          schema: { openAPIV3Schema: { type: 'object' } },
        }),
      'must have exactly one version marked as storage version',
    ],
    [
      'a served version',
      (c) =>
        (c.spec.versions[0] = {
          name: 'v1',
          served: false,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object' } },
        }),
      'must have at least one version marked as served',
    ],
    [
      'unique version names',
      (c) =>
        c.spec.versions.push({
          name: 'v1',
          served: true,
          storage: false,
          schema: { openAPIV3Schema: { type: 'object' } },
        }),
      'spec.versions[1].name: Duplicate value: "v1"',
    ],
    [
      'a schema',
      (c) => (c.spec.versions[0] = { name: 'v1', served: true, storage: true }),
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    ],
    [
      'printer column type',
      (c) =>
        (c.spec.versions[0] = {
          ...(c.spec.versions[0] ?? { name: 'v1', served: true, storage: true }),
          additionalPrinterColumns: [{ name: 'X', type: 'float', jsonPath: '.spec.x' }],
        }),
      'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "float"',
    ],
    [
      'scale paths',
      (c) =>
        (c.spec.versions[0] = {
          ...(c.spec.versions[0] ?? { name: 'v1', served: true, storage: true }),
          subresources: { scale: { specReplicasPath: '.status.r', statusReplicasPath: '.status.r' } },
        }),
      'specReplicasPath: Invalid value: ".status.r": should be a json path under .spec',
    ],
    [
      'no $ref in a schema (it would dangle in /openapi/v2 and break kubectl for everyone)',
      (c) =>
        (c.spec.versions[0] = {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: JSON.parse(
              '{"type":"object","properties":{"a":{"type":"object","allOf":[{"$ref":"#/components/schemas/nope"}]}}}',
            ),
          },
        }),
      'spec.versions[0].schema.openAPIV3Schema.properties[a].allOf[0].$ref: Forbidden: $ref is not supported',
    ],
  ];
  for (const [what, mut, want] of cases)
    it(`checks ${what}`, () => {
      expect(fields(crd(mut)).join('\n')).to.contain(want);
    });

  it('keeps scope and group immutable', () => {
    const old = crd();
    const next = jsonClone(old);
    next.spec.scope = 'Cluster';
    expect(validateCustomResourceDefinitionUpdate(next, old).map((e) => e.field)).to.include('spec.scope');
  });
});

describe('apiextensions: naming conflicts', () => {
  it('accepts free names and refuses names another CRD or a built-in of the group took', () => {
    const a = crd((c) => (c.status = { acceptedNames: c.spec.names }));
    const b = crd((c) => {
      c.metadata.name = 'bars.example.com';
      c.spec.names = { plural: 'bars', kind: 'Bar', shortNames: ['fo'] };
    });
    expect(checkNames(a, [a], [])).to.include({ accepted: true });
    expect(checkNames(b, [a, b], [])).to.deep.include({ accepted: false, message: '"fo" is already in use' });
    const builtin = {
      group: 'example.com',
      version: 'v1',
      kind: 'Bar',
      listKind: 'BarList',
      resource: 'others',
      singular: 'other',
      namespaced: true,
      shortNames: [],
      subresources: [],
      verbs: [],
    };
    expect(checkNames(crd(), [], [builtin])).to.include({ accepted: true });
    expect(checkNames(b, [], [builtin]).message).to.equal('"Bar" is already in use');
  });
});

describe('apiextensions: printer columns and JSONPath', () => {
  it('parses the subset and reads own properties only', () => {
    expect(parseJsonPath('.a.b[0].c')).to.deep.equal(['a', 'b', 0, 'c']);
    expect(parseJsonPath(".metadata.labels['app.kubernetes.io/name']")).to.deep.equal([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
    expect(parseJsonPath('.a[*]')).to.equal(undefined);
    expect(valueAtPath({}, ['constructor'])).to.equal(undefined);
    expect(valueAtPath({ a: [{ b: 'x' }] }, ['a', 0, 'b'])).to.equal('x');
  });

  it('renders NAME, the columns, and ages for date columns', () => {
    const p = customResourcePrinter([
      { name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
      { name: 'First', type: 'string', jsonPath: '.spec.list[0].name' },
      { name: 'Obj', type: 'string', jsonPath: '.spec.obj' },
      { name: 'Created', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(p.columns.map((c) => c.name)).to.deep.equal(['Name', 'Ready', 'First', 'Obj', 'Created']);
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { list: [{ name: 'a' }], obj: { k: 1 } },
      status: { ready: false },
    };
    expect(p.cells(obj, new Date('2026-01-01T00:05:00Z'))).to.deep.equal(['n', false, 'a', '{"k":1}', '5m']);
    expect(customResourcePrinter(undefined).columns.map((c) => c.name)).to.deep.equal(['Name', 'Age']);
  });
});
