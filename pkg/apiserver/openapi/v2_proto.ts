/**
 * The protobuf form of the v2 document, as client-go's `OpenAPISchema()` asks for it
 * (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) and decodes it into
 * gnostic's `openapi_v2.Document`. Only the fields kubectl's validator reads are written; field
 * numbers are gnostic's openapiv2/OpenAPIv2.proto:
 *
 *   Document: swagger 1, info 2 (title 1, version 2), paths 8, definitions 9
 *   Definitions / Properties: repeated NamedSchema 1 (name 1, value 2)
 *   Schema: _ref 1, format 2, description 4, required 19, additional_properties 21
 *           (AdditionalPropertiesItem: schema 1 | boolean 2), type 22 (TypeItem: value 1),
 *           items 23 (ItemsItem: schema 1), properties 25, vendor_extension 31
 *   NamedAny: name 1, value 2 (Any: yaml 2)
 *
 * Extension values are written as JSON, which is YAML, so kube-openapi's yaml decoding of
 * `Any.yaml` reads them back as the same values.
 */
import { ProtoWriter } from '../../util/protobuf/writer';
import type { SchemaV2, SwaggerDocument } from './v2';

/** Protobuf field numbers of gnostic's openapi_v2 messages (the ones written here). */
export const fields = {
  document: { swagger: 1, info: 2, paths: 8, definitions: 9 },
  info: { title: 1, version: 2 },
  named: { name: 1, value: 2 },
  namedList: { entries: 1 },
  schema: {
    ref: 1,
    format: 2,
    description: 4,
    required: 19,
    additionalProperties: 21,
    type: 22,
    items: 23,
    properties: 25,
    vendorExtension: 31,
  },
  additionalProperties: { schema: 1, boolean: 2 },
  typeItem: { value: 1 },
  itemsItem: { schema: 1 },
  any: { yaml: 2 },
} as const;

function writeNamedSchemas(w: ProtoWriter, entries: Record<string, SchemaV2>): void {
  for (const [name, schema] of Object.entries(entries))
    w.message(fields.namedList.entries, (named) => {
      named.string(fields.named.name, name);
      named.message(fields.named.value, (s) => writeSchema(s, schema));
    });
}

/** Writes the fields of one Schema message. */
function writeSchema(w: ProtoWriter, s: SchemaV2): void {
  const f = fields.schema;
  if (s.$ref) w.string(f.ref, s.$ref);
  if (s.format) w.string(f.format, s.format);
  if (s.description) w.string(f.description, s.description);
  if (s.required) w.strings(f.required, s.required);
  const ap = s.additionalProperties;
  if (typeof ap === 'boolean')
    w.message(f.additionalProperties, (a) => a.bool(fields.additionalProperties.boolean, ap));
  else if (ap)
    w.message(f.additionalProperties, (a) => a.message(fields.additionalProperties.schema, (x) => writeSchema(x, ap)));
  const type = s.type;
  if (type) w.message(f.type, (t) => t.string(fields.typeItem.value, type));
  const items = s.items;
  if (items) w.message(f.items, (i) => i.message(fields.itemsItem.schema, (x) => writeSchema(x, items)));
  const props = s.properties;
  if (props) w.message(f.properties, (p) => writeNamedSchemas(p, props));
  for (const [name, value] of Object.entries(s)) {
    if (!name.startsWith('x-') || value === undefined) continue;
    w.message(f.vendorExtension, (named) => {
      named.string(fields.named.name, name);
      named.message(fields.named.value, (a) => a.string(fields.any.yaml, JSON.stringify(value)));
    });
  }
}

/** Encodes a v2 document as gnostic's `openapi_v2.Document`. */
export function encodeSwagger(doc: SwaggerDocument): Buffer {
  const f = fields.document;
  return new ProtoWriter()
    .string(f.swagger, doc.swagger)
    .message(f.info, (i) => i.string(fields.info.title, doc.info.title).string(fields.info.version, doc.info.version))
    .message(f.paths, () => {})
    .message(f.definitions, (d) => writeNamedSchemas(d, doc.definitions))
    .finish();
}
