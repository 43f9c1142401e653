/**
 * Name and string-format checks with Kubernetes' messages (k8s.io/apimachinery/pkg/util/validation):
 * RFC 1123 labels and subdomains, qualified names (label keys, finalizers), label values,
 * environment variable names, URL path segments. The `is*` functions return the problems as
 * messages (empty = valid); the `validate*` functions wrap them as field errors.
 */
import { type FieldError, invalid, tooLong } from './field';

/** `must be no more than <n> characters`. */
export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

/** Kubernetes' RegexError: the message, examples, and the pattern used. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
/** Longest DNS-1123 label. */
export const DNS1123LabelMaxLength = 63;
const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
/** Longest DNS-1123 subdomain. */
export const DNS1123SubdomainMaxLength = 253;
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = new RegExp(`^${qualifiedNameFmt}$`);

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
/** Longest label value. */
export const LabelValueMaxLength = 63;
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

/**
 * The project's mixed-case names: the built-in storage classes are `hostPath` and `nfs`, so
 * class names (and `storageClassName` references) accept upper case letters too.
 */
const mixedCaseNameFmt = '[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?';
const mixedCaseNameErrMsg =
  "must consist of alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const mixedCaseNameRegexp = new RegExp(`^${mixedCaseNameFmt}$`);

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const envVarNameRegexp = new RegExp(`^${envVarNameFmt}$`);

/** Problems of `value` as an RFC 1123 label (`my-name`, at most 63 characters). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123LabelMaxLength) errs.push(maxLenError(DNS1123LabelMaxLength));
  if (!dns1123LabelRegexp.test(value)) {
    // A valid subdomain that is not a valid label (length already checked) must contain dots.
    if (dns1123SubdomainRegexp.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

/** Problems of `value` as an RFC 1123 subdomain (`example.com`, at most 253 characters). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!dns1123SubdomainRegexp.test(value))
    errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

/**
 * Problems of `value` as a mixed-case name (`hostPath`, `fast-ssd`, at most 253 characters):
 * a DNS subdomain that may contain upper case letters. Used for StorageClass names and
 * `storageClassName` references (a deliberate deviation: the built-in classes are `hostPath`
 * and `nfs`) and for Event names, which embed the involved object's name.
 */
export function isMixedCaseName(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!mixedCaseNameRegexp.test(value))
    errs.push(regexError(mixedCaseNameErrMsg, mixedCaseNameFmt, 'hostPath', 'fast-ssd'));
  return errs;
}

/**
 * Problems of `value` as a qualified name: an optional DNS subdomain prefix and '/', then a
 * name part of at most 63 alphanumerics, '-', '_' or '.' (`example.com/MyName`). Label keys,
 * annotation keys and finalizers are qualified names.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > qualifiedNameMaxLength) errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** Problems of `value` as a label value: empty, or at most 63 alphanumerics, '-', '_', '.'. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LabelValueMaxLength) errs.push(maxLenError(LabelValueMaxLength));
  if (!labelValueRegexp.test(value))
    errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Problems of `value` as an environment variable name (`MY_ENV.NAME`; not starting with a digit). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRegexp.test(value))
    errs.push(regexError(envVarNameErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/**
 * Problems of `name` as one segment of a URL path or etcd key: not `.` or `..`, no `/` or `%`.
 * Every object name must pass this, whatever its kind's stricter rule.
 */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}

/**
 * A kind's rule for object names (k8s ValidateNameFunc): the problems of `name`. With `prefix`
 * true the value is a generateName prefix, which may end in '-'.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** Replaces a trailing '-' so a generateName prefix can be checked as a name. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** Names that are DNS subdomains: pods, PVs, PVCs, nodes, leases. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** Names that are DNS labels: namespaces. */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** Mixed-case names: storage classes and events (see isMixedCaseName). */
export const nameIsMixedCase: NameValidator = (name, prefix) => isMixedCaseName(prefix ? maskTrailingDash(name) : name);
/** The weakest rule, for any object: a safe URL path segment. */
export const nameIsPathSegment: NameValidator = (name) => isValidPathSegmentName(name);

/** `Invalid value` errors at `field` for each problem `check` finds in `value`. */
export function checkField(value: string, field: string, check: (v: string) => string[]): FieldError[] {
  return check(value).map((msg) => invalid(field, value, msg));
}

/** A label key or other qualified name at `field`. */
export function validateLabelName(key: string, field: string): FieldError[] {
  return checkField(key, field, isQualifiedName);
}

/** metadata.labels (or selector matchLabels): keys are qualified names, values label values. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, field));
    if (typeof v !== 'string') errs.push(invalid(field, v, 'label values must be strings'));
    else errs.push(...checkField(v, field, isValidLabelValue));
  }
  return errs;
}

/** Largest total size (keys plus values, in bytes) of an object's annotations: 256 KiB. */
export const TotalAnnotationSizeLimitBytes = 256 * 1024;

/** metadata.annotations: keys are qualified names (any case); the total size is ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
    if (typeof v !== 'string') errs.push(invalid(field, v, 'annotation values must be strings'));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  }
  if (size > TotalAnnotationSizeLimitBytes) errs.push(tooLong(field, TotalAnnotationSizeLimitBytes));
  return errs;
}
