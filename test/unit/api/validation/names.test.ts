import { expect } from 'chai';
import {
  TotalAnnotationSizeLimitBytes,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isMixedCaseName,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
} from '../../../../pkg/api/validation';
import { summary as summaryOf } from './fixtures';

describe('name checks', () => {
  const subdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const labelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

  it('DNS-1123 subdomain: Kubernetes message and limits', () => {
    for (const ok of ['a', 'pv-1', 'example.com', 'a'.repeat(253), '0abc'])
      expect(isDNS1123Subdomain(ok), ok).to.deep.equal([]);
    expect(isDNS1123Subdomain('Foo')).to.deep.equal([subdomainMsg]);
    for (const bad of ['', '-a', 'a-', 'a_b', 'a..b', '.a', 'hostPath'])
      expect(isDNS1123Subdomain(bad), bad).to.have.length(1);
    expect(isDNS1123Subdomain('a'.repeat(254))).to.deep.equal(['must be no more than 253 characters']);
  });

  it('DNS-1123 label: Kubernetes message, dots and limits', () => {
    for (const ok of ['a', 'my-name', '123-abc', 'a'.repeat(63)]) expect(isDNS1123Label(ok), ok).to.deep.equal([]);
    expect(isDNS1123Label('My_Name')).to.deep.equal([labelMsg]);
    expect(isDNS1123Label('a.b')).to.deep.equal(['must not contain dots']);
    expect(isDNS1123Label('a'.repeat(64))).to.deep.equal(['must be no more than 63 characters']);
  });

  it('mixed-case names accept the built-in class names and reject the rest', () => {
    for (const ok of ['hostPath', 'nfs', 'fast-ssd', 'Gold.Tier', 'a'.repeat(253)])
      expect(isMixedCaseName(ok), ok).to.deep.equal([]);
    for (const bad of ['', '-x', 'x-', 'a_b', 'a/b', 'a b']) expect(isMixedCaseName(bad), bad).to.have.length(1);
    expect(isMixedCaseName('a'.repeat(254))).to.deep.equal(['must be no more than 253 characters']);
  });

  it('qualified names: optional DNS prefix, name part ≤ 63', () => {
    for (const ok of ['app', 'MyName', 'my.name', 'kubernetes.io/pvc-protection', 'example.com/My_Name']) {
      expect(isQualifiedName(ok), ok).to.deep.equal([]);
    }
    expect(isQualifiedName('/a')).to.deep.equal(['prefix part must be non-empty']);
    expect(isQualifiedName('a/')).to.have.length(2); // empty name part + regex
    expect(isQualifiedName('a/b/c')[0]).to.match(/^a qualified name must consist of/);
    expect(isQualifiedName('Example.com/a')[0]).to.match(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(isQualifiedName('x'.repeat(64))).to.deep.equal(['name part must be no more than 63 characters']);
    expect(isQualifiedName('-a')[0]).to.match(/^name part must consist of alphanumeric characters/);
  });

  it('label values: empty allowed, ≤ 63', () => {
    for (const ok of ['', 'MyValue', 'my_value', '12345']) expect(isValidLabelValue(ok), ok).to.deep.equal([]);
    expect(isValidLabelValue('-x')[0]).to.match(/^a valid label must be an empty string/);
    expect(isValidLabelValue('v'.repeat(64))).to.deep.equal(['must be no more than 63 characters']);
  });

  it('environment variable names', () => {
    for (const ok of ['MY_ENV', 'my.env-name', '_x', 'a1']) expect(isEnvVarName(ok), ok).to.deep.equal([]);
    expect(isEnvVarName('1X')[0]).to.match(/^a valid environment variable name/);
    expect(isEnvVarName('..x')).to.deep.equal(["must not start with '..'"]);
  });

  it('path segments', () => {
    expect(isValidPathSegmentName('ok')).to.deep.equal([]);
    expect(isValidPathSegmentName('..')).to.deep.equal(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%')).to.deep.equal(["may not contain '/'", "may not contain '%'"]);
  });

  it('generateName prefixes may end in a dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).to.deep.equal([]);
    expect(nameIsDNSSubdomain('web-', false)).to.have.length(1);
  });
});

describe('validateLabels / validateAnnotations', () => {
  it('reports bad keys and values at the map path', () => {
    expect(validateLabels({ app: 'web', 'example.com/tier': 'front' }, 'metadata.labels')).to.deep.equal([]);
    const errs = validateLabels({ 'bad key': 'v', ok: 'bad value' }, 'metadata.labels');
    expect(summaryOf(errs)).to.deep.equal(['metadata.labels FieldValueInvalid', 'metadata.labels FieldValueInvalid']);
    expect(errs[0]?.message).to.match(/^Invalid value: "bad key": name part must consist/);
    expect(errs[1]?.message).to.match(/^Invalid value: "bad value": a valid label must be/);
  });

  it('annotations: keys case-insensitive qualified names, total ≤ 256 KiB', () => {
    expect(validateAnnotations({ 'Example.com/Note': 'anything at all: !@#' }, 'metadata.annotations')).to.deep.equal(
      [],
    );
    expect(summaryOf(validateAnnotations({ 'a b': 'x' }, 'metadata.annotations'))).to.deep.equal([
      'metadata.annotations FieldValueInvalid',
    ]);
    const atLimit = { k: 'v'.repeat(TotalAnnotationSizeLimitBytes - 1) };
    expect(validateAnnotations(atLimit, 'metadata.annotations')).to.deep.equal([]);
    const over = { k: 'v'.repeat(TotalAnnotationSizeLimitBytes) };
    const errs = validateAnnotations(over, 'metadata.annotations');
    expect(summaryOf(errs)).to.deep.equal(['metadata.annotations FieldValueTooLong']);
    expect(errs[0]?.message).to.equal('Too long: must have at most 262144 bytes');
  });
});
