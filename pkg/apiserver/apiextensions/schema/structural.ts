/**
 * Structural-schema checks at CRD write time (apiextensions' structural schema rules, reduced):
 * a type on every node unless it preserves unknown fields or is int-or-string, `object` at the
 * root, `items` on arrays, properties XOR additionalProperties, known types and formats, and
 * no `$ref` (Kubernetes': "$ref is not supported"; a CRD's reference would dangle in the
 * published OpenAPI, where kubectl's v2 parser rejects the whole document over it).
 */
import type { JSONSchemaProps } from '../../../api/apiextensions/v1';
import { forbidden, invalid, notSupported, required, type FieldError } from '../../../api/validation';
import { jsonClone } from '../../../util/json/clone';
import { applyDefaults } from './default';
import { prune } from './prune';
import { validateValue } from './validate';
import { compilePattern } from './pattern';

const types = ['object', 'array', 'string', 'integer', 'number', 'boolean'];

function isSchema(v: unknown): v is JSONSchemaProps {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `$ref` on this node or on one of its allOf/oneOf/anyOf/not members (where v3 puts them). */
function checkNoRef(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (Object.hasOwn(s, '$ref')) errs.push(forbidden(`${path}.$ref`, '$ref is not supported'));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const members: unknown = s[key];
    if (Array.isArray(members))
      for (const [i, m] of members.entries()) if (isSchema(m)) checkNoRef(m, `${path}.${key}[${i}]`, errs);
  }
  if (isSchema(s.not)) checkNoRef(s.not, `${path}.not`, errs);
}

function check(s: JSONSchemaProps, path: string, root: boolean, errs: FieldError[]): void {
  checkNoRef(s, path, errs);
  const free = s['x-kubernetes-preserve-unknown-fields'] === true || s['x-kubernetes-int-or-string'] === true;
  if (s.type === undefined || s.type === '') {
    if (!free) errs.push(required(`${path}.type`, 'must not be empty for specified object fields'));
  } else if (!types.includes(s.type)) errs.push(notSupported(`${path}.type`, s.type, types));
  if (root && s.type !== undefined && s.type !== 'object')
    errs.push(invalid(`${path}.type`, s.type, 'must be object at the root'));
  if (s.pattern !== undefined && compilePattern(s.pattern) === undefined)
    errs.push(invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
  if (s.properties !== undefined && s.additionalProperties !== undefined && s.additionalProperties !== false)
    errs.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  if (s.type === 'array' && !isSchema(s.items)) errs.push(required(`${path}.items`, 'must be specified'));
  if (s.properties !== undefined) {
    if (!isSchema(s.properties)) errs.push(invalid(`${path}.properties`, s.properties, 'must be an object'));
    else
      for (const [k, v] of Object.entries(s.properties)) {
        if (!isSchema(v)) errs.push(invalid(`${path}.properties[${k}]`, v, 'must be a schema'));
        else check(v, `${path}.properties[${k}]`, false, errs);
      }
  }
  if (isSchema(s.additionalProperties)) check(s.additionalProperties, `${path}.additionalProperties`, false, errs);
  if (isSchema(s.items)) check(s.items, `${path}.items`, false, errs);
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string')))
    errs.push(invalid(`${path}.required`, s.required, 'must be a list of strings'));
  if (s.enum !== undefined && !Array.isArray(s.enum)) errs.push(invalid(`${path}.enum`, s.enum, 'must be a list'));
  if (s.default !== undefined) {
    if (root) errs.push(forbidden(`${path}.default`, 'must not be set at the root'));
    // A default must itself be valid (after its own pruning and nested defaults), as Kubernetes checks.
    else errs.push(...validateValue(s, applyDefaults(s, prune(s, jsonClone(s.default))), `${path}.default`));
  }
}

/** Problems of a version's openAPIV3Schema (`path` names it). */
export function validateStructural(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSchema(schema)) return [invalid(path, schema, 'must be a schema object')];
  check(schema, path, true, errs);
  return errs;
}
