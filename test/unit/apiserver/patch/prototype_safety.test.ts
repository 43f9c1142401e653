import { expect } from 'chai';
import { parseLabelSelector } from '../../../../pkg/api/labels';
import { validatePersistentVolume } from '../../../../pkg/api/validation';
import { fieldSchema, schemaForKind } from '../../../../pkg/apiserver/openapi/lookup';
import { mergeApplied, serverSideApply } from '../../../../pkg/apiserver/patch/apply';
import { FieldSet, fromFieldsV1, removePath, toFieldsV1, valueAt } from '../../../../pkg/apiserver/patch/fieldset';
import { applyJsonPatch, JsonPatchError } from '../../../../pkg/apiserver/patch/json';
import { applyMergePatch, type Json } from '../../../../pkg/apiserver/patch/merge';
import { recordUpdate } from '../../../../pkg/apiserver/patch/managedfields';
import { applyStrategicMergePatch } from '../../../../pkg/apiserver/patch/strategic';
import type { KubeObject } from '../../../../pkg/api/meta';
import { expectNoPollution } from '../../../helpers/prototypes';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';

const pvcSchema = schemaForKind('', 'v1', 'PersistentVolumeClaim');
const parse = (s: string): Json => JSON.parse(s) as Json;
const live = (): Json =>
  parse(
    '{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"c","labels":{"a":"b"}},"spec":{"accessModes":["ReadWriteOnce"]}}',
  );

describe('patch engines treat __proto__, constructor and prototype as data', () => {
  it('JSON patch: /__proto__/x and /constructor/prototype/x are missing paths, not prototypes', () =>
    expectNoPollution(() => {
      for (const path of [
        '/__proto__/polluted',
        '/constructor/prototype/polluted',
        '/metadata/__proto__/polluted',
        '/spec/accessModes/__proto__/polluted',
      ]) {
        expect(() => applyJsonPatch(live(), [{ op: 'add', path, value: 'yes' }]), path).to.throw(JsonPatchError);
      }
    }));

  it('JSON patch: adding the key "__proto__" creates plain data', () =>
    expectNoPollution(() => {
      const out = applyJsonPatch(live(), [
        { op: 'add', path: '/metadata/labels/__proto__', value: { polluted: 'yes' } },
        { op: 'add', path: '/metadata/labels/__proto__/polluted', value: 'still data' },
      ]) as { metadata: { labels: object } };
      expect(Object.getPrototypeOf(out.metadata.labels)).to.equal(Object.prototype);
      expect(JSON.stringify(out.metadata.labels)).to.equal('{"a":"b","__proto__":{"polluted":"still data"}}');
    }));

  it('JSON patch: remove/replace/copy/test of inherited names find nothing', () =>
    expectNoPollution(() => {
      for (const op of ['remove', 'replace', 'test'] as const) {
        expect(() => applyJsonPatch(live(), [{ op, path: '/metadata/constructor', value: 1 }]), op).to.throw(
          JsonPatchError,
        );
      }
      expect(() => applyJsonPatch(live(), [{ op: 'copy', from: '/constructor', path: '/x' }])).to.throw(JsonPatchError);
      expect(() => applyJsonPatch(live(), { op: 'add', path: '/x', value: 1 })).to.throw(JsonPatchError);
    }));

  it('JSON patch: copies are bounded (no exponential growth), and so is the number of operations', () =>
    expectNoPollution(() => {
      const ops = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/metadata', path: `/metadata/x${i}` }));
      expect(() => applyJsonPatch(live(), ops)).to.throw(JsonPatchError, /duplicate more than/);
      expect(() =>
        applyJsonPatch(
          live(),
          Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'PersistentVolumeClaim' })),
        ),
      ).to.throw(JsonPatchError, /maximum operations/);
      expect(
        applyJsonPatch(live(), [{ op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' }]),
      ).to.have.nested.property('metadata.annotations.a', 'b');
    }));

  it('merge patch: {"__proto__": {...}} merges as a key', () =>
    expectNoPollution(() => {
      const out = applyMergePatch(
        live(),
        parse('{"__proto__":{"polluted":"yes"},"metadata":{"constructor":{"prototype":{"polluted":"yes"}}}}'),
      ) as Record<string, Json>;
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.keys(out)).to.include('__proto__');
      expect(JSON.stringify((out.metadata as Record<string, Json>).constructor)).to.equal(
        '{"prototype":{"polluted":"yes"}}',
      );
    }));

  it('strategic merge patch: keys and directives on __proto__ are data', () =>
    expectNoPollution(() => {
      const patch = parse(
        '{"metadata":{"__proto__":{"polluted":"yes"},"labels":{"constructor":"x"},"$deleteFromPrimitiveList/__proto__":["a"],"$setElementOrder/constructor":[]}}',
      );
      const out = applyStrategicMergePatch(live(), patch, pvcSchema) as {
        metadata: Record<string, unknown> & { labels: Record<string, string> };
      };
      expect(Object.getPrototypeOf(out.metadata)).to.equal(Object.prototype);
      expect(
        JSON.stringify(
          out.metadata.__proto__ === Object.prototype
            ? null
            : Object.getOwnPropertyDescriptor(out.metadata, '__proto__')?.value,
        ),
      ).to.equal('{"polluted":"yes"}');
      expect(out.metadata.labels).to.deep.equal({ a: 'b', constructor: 'x' });
    }));

  it('server-side apply merge: __proto__ / constructor keys become own data', () =>
    expectNoPollution(() => {
      const cfg = parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"},"constructor":"c"}}}');
      const out = mergeApplied(live(), cfg, pvcSchema) as { metadata: { labels: Record<string, unknown> } };
      expect(Object.getPrototypeOf(out.metadata.labels)).to.equal(Object.prototype);
      expect(Object.keys(out.metadata.labels)).to.deep.equal(['a', '__proto__', 'constructor']);
    }));

  it('managedFields from a client: a "__proto__" trie key never writes through the prototype', () =>
    expectNoPollution(() => {
      const fields = fromFieldsV1(parse('{"__proto__":{"f:x":{}},"f:spec":{"constructor":{}}}'));
      const trie = toFieldsV1(fields);
      expect(Object.getPrototypeOf(trie)).to.equal(Object.prototype);
      expect(JSON.stringify(trie)).to.equal('{"__proto__":{"f:x":{}},"f:spec":{"constructor":{}}}');
      const obj: KubeObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: 'c',
          managedFields: [
            {
              manager: 'm',
              operation: 'Update',
              apiVersion: 'v1',
              fieldsType: 'FieldsV1',
              fieldsV1: parse('{"f:__proto__":{"f:toString":{}},"__proto__":{"f:x":{}}}') as Record<string, unknown>,
            },
          ],
        },
      };
      recordUpdate({
        old: obj,
        obj: { ...obj, metadata: { ...obj.metadata, labels: { a: 'b' } } },
        schema: pvcSchema,
        manager: 'n',
        scope: { hasStatus: true },
        now: new Date(),
      });
      serverSideApply(
        obj,
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' } },
        { schema: pvcSchema, manager: 'm', force: true, scope: { hasStatus: true }, now: new Date() },
      );
    }));

  it('field paths f:__proto__ / f:constructor address own data only (valueAt, removePath)', () =>
    expectNoPollution(() => {
      const v = { metadata: {} };
      expect(valueAt(v, ['f:metadata', 'f:__proto__'])).to.equal(undefined);
      expect(valueAt(v, ['f:constructor', 'f:prototype'])).to.equal(undefined);
      expect(removePath(v, ['f:__proto__', 'f:toString'])).to.equal(false);
      expect(removePath(v, ['f:constructor', 'f:prototype', 'f:hasOwnProperty'])).to.equal(false);
      expect(new FieldSet([['f:__proto__']]).size).to.equal(1);
    }));

  it('schema lookup: a field named constructor is not declared', () =>
    expectNoPollution(() => {
      expect(fieldSchema(pvcSchema, 'constructor')).to.equal(undefined);
      expect(fieldSchema(pvcSchema, '__proto__')).to.equal(undefined);
      expect(fieldSchema(pvcSchema, 'toString')).to.equal(undefined);
    }));

  it('label selectors on constructor / prototype match own labels only', () =>
    expectNoPollution(() => {
      expect(parseLabelSelector('constructor').matches({ a: 'b' })).to.equal(false);
      expect(parseLabelSelector('constructor').matches({ constructor: 'x' })).to.equal(true);
      expect(parseLabelSelector('!prototype').matches({ a: 'b' })).to.equal(true);
      expect(parseLabelSelector('hasOwnProperty').matches({})).to.equal(false);
    }));

  it('PV validation: a "__proto__" volume source counts as a second source (already right; kept)', () =>
    expectNoPollution(() => {
      const spec = JSON.parse(
        '{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"},"__proto__":{"polluted":"yes"}}',
      ) as Record<string, unknown>;
      const errs = validatePersistentVolume({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'p' },
        spec,
      } as unknown as PersistentVolume);
      expect(errs.length).to.be.greaterThan(0);
    }));
});
