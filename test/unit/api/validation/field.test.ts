import { expect } from 'chai';
import { StatusError, isInvalid } from '../../../../pkg/api/errors';
import {
  duplicate,
  forbidden,
  formatFieldError,
  invalid,
  notFound,
  notSupported,
  required,
  semanticEqual,
  toStatusError,
  tooLong,
  validateImmutableField,
} from '../../../../pkg/api/validation';

describe('field errors', () => {
  const rows = [
    { err: required('spec.containers'), type: 'FieldValueRequired', message: 'Required value' },
    {
      err: required('metadata.name', 'name or generateName is required'),
      type: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
    },
    {
      err: invalid('metadata.name', 'Foo', 'bad name'),
      type: 'FieldValueInvalid',
      message: 'Invalid value: "Foo": bad name',
    },
    {
      err: invalid('spec.terminationGracePeriodSeconds', -1, 'must be greater than or equal to 0'),
      type: 'FieldValueInvalid',
      message: 'Invalid value: -1: must be greater than or equal to 0',
    },
    {
      err: notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
      type: 'FieldValueNotSupported',
      message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    },
    {
      err: forbidden('spec', 'spec is immutable'),
      type: 'FieldValueForbidden',
      message: 'Forbidden: spec is immutable',
    },
    { err: forbidden('spec.x'), type: 'FieldValueForbidden', message: 'Forbidden' },
    { err: duplicate('spec.containers[1].name', 'a'), type: 'FieldValueDuplicate', message: 'Duplicate value: "a"' },
    {
      err: notFound('spec.containers[0].volumeMounts[0].name', 'x'),
      type: 'FieldValueNotFound',
      message: 'Not found: "x"',
    },
    {
      err: tooLong('metadata.annotations', 262144),
      type: 'FieldValueTooLong',
      message: 'Too long: must have at most 262144 bytes',
    },
  ];
  for (const { err, type, message } of rows) {
    it(`${type}: ${message}`, () => {
      expect(err.type).to.equal(type);
      expect(err.message).to.equal(message);
    });
  }

  it('formats as "field: message"', () => {
    expect(formatFieldError(required('spec.containers[0].image'))).to.equal('spec.containers[0].image: Required value');
  });

  it('validateImmutableField reports the new value only when it changed', () => {
    expect(validateImmutableField('a', 'a', 'metadata.name')).to.deep.equal([]);
    expect(validateImmutableField({ x: [1] }, { x: [1] }, 'spec.x')).to.deep.equal([]);
    const errs = validateImmutableField('b', 'a', 'metadata.name');
    expect(errs.map(formatFieldError)).to.deep.equal(['metadata.name: Invalid value: "b": field is immutable']);
  });

  it('toStatusError builds a 422 Invalid Status with one cause per error', () => {
    const err = toStatusError('Pod', 'p', [required('spec.containers'), invalid('metadata.name', 'P', 'bad')]);
    expect(err).to.be.instanceOf(StatusError);
    expect(isInvalid(err)).to.equal(true);
    expect(err.code).to.equal(422);
    expect(err.status.details?.kind).to.equal('Pod');
    expect(err.status.details?.name).to.equal('p');
    expect(err.status.details?.causes).to.deep.equal([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "P": bad', field: 'metadata.name' },
    ]);
    expect(err.message).to.equal(
      'Pod "p" is invalid: spec.containers: Required value, metadata.name: Invalid value: "P": bad',
    );
  });
});

describe('semanticEqual', () => {
  const rows: { a: unknown; b: unknown; want: boolean }[] = [
    { a: { x: 1 }, b: { x: 1 }, want: true },
    { a: { x: 1, y: undefined }, b: { x: 1 }, want: true },
    { a: { x: null }, b: {}, want: true },
    { a: [1, 2], b: [2, 1], want: false },
    { a: { x: { y: ['a'] } }, b: { x: { y: ['a'] } }, want: true },
    { a: { x: { y: ['a'] } }, b: { x: { y: ['b'] } }, want: false },
    { a: '', b: undefined, want: false },
    { a: 0, b: null, want: false },
    { a: [], b: {}, want: false },
  ];
  rows.forEach(({ a, b, want }, i) => {
    it(`row ${i}: ${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => {
      expect(semanticEqual(a, b)).to.equal(want);
      expect(semanticEqual(b, a)).to.equal(want);
    });
  });
});
