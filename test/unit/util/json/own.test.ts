import { expect } from 'chai';
import { jsonClone } from '../../../../pkg/util/json/clone';
import { jsonEqual } from '../../../../pkg/util/json/equal';
import { deleteOwn, getOwn, hasOwnKey, setOwn } from '../../../../pkg/util/json/own';
import { expectNoPollution } from '../../../helpers/prototypes';

describe('own-property helpers (client-chosen keys are plain data)', () => {
  it('getOwn never sees inherited properties', () =>
    expectNoPollution(() => {
      const o = JSON.parse('{"a":1}') as Record<string, unknown>;
      expect(getOwn(o, 'constructor')).to.equal(undefined);
      expect(getOwn(o, '__proto__')).to.equal(undefined);
      expect(getOwn(o, 'toString')).to.equal(undefined);
      expect(getOwn(o, 'a')).to.equal(1);
      expect(getOwn(undefined, 'a')).to.equal(undefined);
    }));

  it('setOwn("__proto__") defines an own key and leaves the prototype alone', () =>
    expectNoPollution(() => {
      const o: Record<string, unknown> = {};
      setOwn(o, '__proto__', { polluted: 'yes' });
      expect(Object.getPrototypeOf(o)).to.equal(Object.prototype);
      expect(hasOwnKey(o, '__proto__')).to.equal(true);
      expect(JSON.stringify(o)).to.equal('{"__proto__":{"polluted":"yes"}}');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      setOwn(o, 'constructor', 'c');
      expect(getOwn(o, 'constructor')).to.equal('c');
    }));

  it('deleteOwn removes only own keys', () =>
    expectNoPollution(() => {
      const o: Record<string, unknown> = { a: 1 };
      deleteOwn(o, 'a');
      deleteOwn(o, 'hasOwnProperty');
      expect(o).to.deep.equal({});
      expect(typeof Object.prototype.hasOwnProperty).to.equal('function');
    }));

  it('jsonClone keeps "__proto__" as data and never changes a prototype', () =>
    expectNoPollution(() => {
      const src = JSON.parse('{"__proto__":{"polluted":"yes"},"a":{"__proto__":[1]}}') as Record<string, unknown>;
      const copy = jsonClone(src);
      expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
      expect(Object.getPrototypeOf(copy.a)).to.equal(Object.prototype);
      expect(JSON.stringify(copy)).to.equal(JSON.stringify(src));
      expect((copy as { polluted?: unknown }).polluted).to.equal(undefined);
    }));

  it('jsonEqual compares own keys only', () =>
    expectNoPollution(() => {
      expect(jsonEqual(JSON.parse('{"constructor":{}}'), {})).to.equal(false);
      expect(jsonEqual({}, JSON.parse('{"constructor":{}}'))).to.equal(false);
      expect(jsonEqual(JSON.parse('{"__proto__":{}}'), {})).to.equal(false);
      expect(jsonEqual(JSON.parse('{"__proto__":{"x":1}}'), JSON.parse('{"__proto__":{"x":1}}'))).to.equal(true);
    }));
});
