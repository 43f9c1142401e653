import { expect } from 'chai';
import type { JSONSchemaProps } from '../../../../pkg/api/apiextensions/v1';
import { applyDefaults } from '../../../../pkg/apiserver/apiextensions/schema/default';
import { prune } from '../../../../pkg/apiserver/apiextensions/schema/prune';
import { validateStructural } from '../../../../pkg/apiserver/apiextensions/schema/structural';
import { validateAgainstSchema } from '../../../../pkg/apiserver/apiextensions/schema/validate';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
        count: { type: 'integer', format: 'int32', minimum: 1, maximum: 5, default: 2 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        mode: { type: 'string', enum: ['A', 'B'] },
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 2,
          items: { type: 'object', properties: { k: { type: 'string' } } },
        },
        port: { 'x-kubernetes-int-or-string': true },
        when: { type: 'string', format: 'date-time' },
        map: { type: 'object', additionalProperties: { type: 'integer' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        opt: { type: 'string', nullable: true },
        nested: { type: 'object', default: {}, properties: { level: { type: 'string', default: 'info' } } },
      },
    },
  },
};

function errorsOf(spec: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of validateAgainstSchema(schema, { apiVersion: 'x/v1', kind: 'X', metadata: {}, spec }))
    out[e.field] = `${out[e.field] ? `${out[e.field]}\n` : ''}${e.type}: ${e.message}`;
  return out;
}

describe('apiextensions: structural schema validation', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['required', {}, 'spec.name', 'FieldValueRequired: Required value'],
    [
      'type',
      { name: 3 },
      'spec.name',
      'FieldValueTypeInvalid: Invalid value: 3: spec.name in body must be of type string: "integer"',
    ],
    ['minLength', { name: 'a' }, 'spec.name', 'spec.name in body should be at least 2 chars long'],
    ['maxLength', { name: 'abcde' }, 'spec.name', 'FieldValueTooLong'],
    ['pattern', { name: 'AB' }, 'spec.name', "spec.name in body should match '^[a-z]+$'"],
    ['minimum', { name: 'ab', count: 0 }, 'spec.count', 'should be greater than or equal to 1'],
    ['maximum', { name: 'ab', count: 6 }, 'spec.count', 'should be less than or equal to 5'],
    ['exclusiveMinimum', { name: 'ab', ratio: 0 }, 'spec.ratio', 'should be greater than 0'],
    ['int32', { name: 'ab', count: 2 ** 31 }, 'spec.count', 'must be a 32-bit integer'],
    ['integer vs number', { name: 'ab', count: 1.5 }, 'spec.count', 'must be of type integer: "number"'],
    [
      'enum',
      { name: 'ab', mode: 'C' },
      'spec.mode',
      'FieldValueNotSupported: Unsupported value: "C": supported values: "A", "B"',
    ],
    ['minItems', { name: 'ab', items: [] }, 'spec.items', 'should have at least 1 items'],
    ['maxItems', { name: 'ab', items: [{}, {}, {}] }, 'spec.items', 'FieldValueTooMany'],
    ['item type', { name: 'ab', items: [{ k: 1 }] }, 'spec.items[0].k', 'must be of type string'],
    ['int-or-string', { name: 'ab', port: [] }, 'spec.port', 'must be of type integer,string'],
    ['date-time', { name: 'ab', when: 'yesterday' }, 'spec.when', 'must be a date-time'],
    ['additionalProperties', { name: 'ab', map: { a: 'x' } }, 'spec.map.a', 'must be of type integer'],
    ['null not nullable', { name: 'ab', mode: null }, 'spec.mode', 'must be of type string: "null"'],
  ];
  for (const [what, spec, field, message] of cases)
    it(`reports ${what}`, () => {
      expect(errorsOf(spec)[field]).to.contain(message);
    });

  it('accepts a valid object, int-or-string both ways, nullable null and free-form fields', () => {
    expect(
      errorsOf({ name: 'ab', port: 80, opt: null, free: { x: [1, { y: 2 }] }, when: '2024-01-02T03:04:05Z' }),
    ).to.deep.equal({});
    expect(errorsOf({ name: 'ab', port: 'http' })).to.deep.equal({});
  });
});

describe('apiextensions: pruning and defaulting', () => {
  it('prunes unknown fields at every level but keeps apiVersion/kind/metadata and preserved subtrees', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a', labels: { l: 'v' } },
      junk: 1,
      spec: { name: 'ab', other: true, items: [{ k: 'v', drop: 1 }], free: { keep: { deep: 1 } }, map: { a: 1 } },
    };
    expect(prune(schema, obj)).to.deep.equal({
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a', labels: { l: 'v' } },
      spec: { name: 'ab', items: [{ k: 'v' }], free: { keep: { deep: 1 } }, map: { a: 1 } },
    });
  });

  it('applies defaults for missing fields, nested inside defaulted objects, and for non-nullable nulls', () => {
    expect(applyDefaults(schema, { spec: { name: 'ab' } })).to.deep.equal({
      spec: { name: 'ab', count: 2, nested: { level: 'info' } },
    });
    expect(applyDefaults(schema, { spec: { name: 'ab', count: null, nested: { level: 'debug' } } })).to.deep.equal({
      spec: { name: 'ab', count: 2, nested: { level: 'debug' } },
    });
    const def = schema.properties?.spec?.properties?.nested?.default;
    expect(def).to.deep.equal({});
  });

  it('never lets client-chosen keys reach a prototype', () => {
    const hostile = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"object","default":{"polluted":true}},"constructor":{"type":"string","default":"x"}}}',
    ) as JSONSchemaProps;
    const obj = applyDefaults(hostile, {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.hasOwn(obj, '__proto__')).to.equal(true);
    expect(Object.hasOwn(obj, 'constructor')).to.equal(true);
    const body = JSON.parse(
      '{"spec":{"name":"ab","__proto__":{"polluted":true}},"constructor":{"prototype":1}}',
    ) as Record<string, unknown>;
    prune(schema, body);
    expect(Object.hasOwn(body.spec as object, '__proto__')).to.equal(false);
    expect(Object.hasOwn(body, 'constructor')).to.equal(false);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    // An unknown `constructor` field is not found on Object.prototype by validation either.
    expect(validateAgainstSchema(schema, { spec: { name: 'ab', constructor: 1 } })).to.deep.equal([]);
  });
});

describe('apiextensions: structural schema rules', () => {
  it('requires types, object at the root, items on arrays, and properties XOR additionalProperties', () => {
    const errs = validateStructural(
      {
        type: 'array',
        properties: {
          a: {},
          b: { type: 'array' },
          c: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
        },
      } as JSONSchemaProps,
      'schema',
    ).map((e) => `${e.field}: ${e.message}`);
    expect(errs).to.include('schema.type: Invalid value: "array": must be object at the root');
    expect(errs).to.include('schema.properties[a].type: Required value: must not be empty for specified object fields');
    expect(errs).to.include('schema.properties[b].items: Required value: must be specified');
    expect(errs).to.include(
      'schema.properties[c].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
    );
    expect(
      validateStructural({ type: 'object', properties: { x: { 'x-kubernetes-int-or-string': true } } }, 's'),
    ).to.deep.equal([]);
  });

  it('checks defaults against their own schema', () => {
    const bad = validateStructural(
      {
        type: 'object',
        properties: { n: { type: 'integer', maximum: 3, default: 5 }, s: { type: 'string', default: 'ok' } },
      },
      's',
    ).map((e) => `${e.field}: ${e.message}`);
    expect(bad).to.deep.equal([
      's.properties[n].default: Invalid value: 5: s.properties[n].default in body should be less than or equal to 3',
    ]);
  });
});
