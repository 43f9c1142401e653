import { expect } from 'chai';
import { load } from 'js-yaml';
import { negotiateV2 } from '../../../../pkg/apiserver/openapi/routes';
import { buildSwagger, servedSwagger, toV2Schema, type SchemaV2 } from '../../../../pkg/apiserver/openapi/v2';
import { encodeSwagger } from '../../../../pkg/apiserver/openapi/v2_proto';
import { serveDocument, servedDocuments, type OpenApiDocument } from '../../../../pkg/apiserver/openapi/v3';
import { ProtoWriter } from '../../../../pkg/util/protobuf/writer';

/** One decoded field: a varint or the raw bytes of a length-delimited field. */
type Field = { no: number; varint?: number; bytes?: Buffer };

/** A tiny protobuf reader (varint and length-delimited wire types only), independent of the writer. */
function decode(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error('truncated varint');
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const [no, wire] = [Math.floor(tag / 8), tag % 8];
    if (wire === 0) out.push({ no, varint: varint() });
    else if (wire === 2) {
      const len = varint();
      out.push({ no, bytes: buf.subarray(i, i + len) });
      i += len;
      if (i > buf.length) throw new Error('truncated field');
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

const all = (buf: Buffer, no: number) => decode(buf).filter((f) => f.no === no);
const one = (buf: Buffer, no: number): Buffer | undefined => all(buf, no)[0]?.bytes;
const str = (buf: Buffer | undefined, no: number): string | undefined =>
  buf ? one(buf, no)?.toString('utf8') : undefined;

/** The entries of a gnostic `repeated NamedX` message (name 1, value 2), by name. */
function named(buf: Buffer | undefined): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of all(buf ?? Buffer.alloc(0), 1))
    if (f.bytes) m.set(str(f.bytes, 1) ?? '', one(f.bytes, 2) ?? Buffer.alloc(0));
  return m;
}

// gnostic openapiv2/OpenAPIv2.proto field numbers (written out here, not imported).
const schemaRef = 1;
const schemaDescription = 4;
const schemaRequired = 19;
const schemaAdditionalProperties = 21;
const schemaType = 22;
const schemaItems = 23;
const schemaProperties = 25;
const schemaVendorExtension = 31;

/** The definitions of an encoded Document (field 9). */
function definitionsOf(doc: Buffer): Map<string, Buffer> {
  return named(one(doc, 9));
}

function typeOf(schema: Buffer): string | undefined {
  return str(one(schema, schemaType), 1);
}

function extensions(schema: Buffer): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const f of all(schema, schemaVendorExtension))
    if (f.bytes) m.set(str(f.bytes, 1) ?? '', load(str(one(f.bytes, 2), 2) ?? ''));
  return m;
}

describe('OpenAPI v2', () => {
  const served = servedSwagger([], encodeSwagger);
  const doc = served.proto();
  const defs = definitionsOf(doc);

  it('the protobuf writer encodes varints past 2^31, strings and nested messages', () => {
    const buf = new ProtoWriter()
      .uint(1, 2 ** 40 + 5)
      .string(2, 'héllo')
      .message(3, (w) => w.bool(1, true).message(2, () => {}))
      .finish();
    const fields = decode(buf);
    expect(fields.map((f) => f.no)).to.deep.equal([1, 2, 3]);
    expect(fields[0]?.varint).to.equal(2 ** 40 + 5);
    expect(fields[1]?.bytes?.toString('utf8')).to.equal('héllo');
    const inner = decode(fields[2]?.bytes ?? Buffer.alloc(0));
    expect(inner).to.have.length(2);
    expect(inner[0]).to.deep.include({ no: 1, varint: 1 });
    expect(inner[1]?.bytes?.length, 'an empty sub-message is still present').to.equal(0);
  });

  it('decodes as a gnostic Document: swagger 2.0, info, and every component of every v3 document', () => {
    expect(str(doc, 1)).to.equal('2.0');
    expect(str(one(doc, 2), 1)).to.equal('Kubernetes');
    const v3Names = new Set<string>();
    for (const d of servedDocuments().values())
      for (const n of Object.keys((JSON.parse(d.json) as OpenApiDocument).components.schemas)) v3Names.add(n);
    expect([...defs.keys()].sort()).to.deep.equal([...v3Names].sort());
  });

  it('a kind carries its group-version-kind (YAML) and its fields, references as #/definitions', () => {
    const pvc = defs.get('io.k8s.api.core.v1.PersistentVolumeClaim');
    expect(pvc, 'PersistentVolumeClaim defined').to.not.equal(undefined);
    if (!pvc) return;
    expect(typeOf(pvc)).to.equal('object');
    expect(extensions(pvc).get('x-kubernetes-group-version-kind')).to.deep.equal([
      { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
    ]);
    const props = named(one(pvc, schemaProperties));
    expect([...props.keys()]).to.include.members(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const spec = props.get('spec') ?? Buffer.alloc(0);
    expect(str(spec, schemaRef)).to.equal('#/definitions/io.k8s.api.core.v1.PersistentVolumeClaimSpec');
    expect(typeOf(spec), 'a reference has no type (kube-openapi refuses one)').to.equal(undefined);
    expect(str(spec, schemaDescription)).to.match(/desired characteristics/i);

    const claimSpec = named(
      one(defs.get('io.k8s.api.core.v1.PersistentVolumeClaimSpec') ?? Buffer.alloc(0), schemaProperties),
    );
    const accessModes = claimSpec.get('accessModes') ?? Buffer.alloc(0);
    expect(typeOf(accessModes)).to.equal('array');
    expect(extensions(accessModes).get('x-kubernetes-list-type')).to.equal('atomic');
    const items = all(one(accessModes, schemaItems) ?? Buffer.alloc(0), 1);
    expect(items).to.have.length(1);
    expect(typeOf(items[0]?.bytes ?? Buffer.alloc(0))).to.equal('string');

    const list = defs.get('io.k8s.api.core.v1.PersistentVolumeClaimList') ?? Buffer.alloc(0);
    expect(all(list, schemaRequired).map((f) => f.bytes?.toString())).to.deep.equal(['items']);
    const labels = named(
      one(defs.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta') ?? Buffer.alloc(0), schemaProperties),
    ).get('labels');
    const values = one(one(labels ?? Buffer.alloc(0), schemaAdditionalProperties) ?? Buffer.alloc(0), 1);
    expect(typeOf(values ?? Buffer.alloc(0)), 'labels: a map of strings').to.equal('string');
  });

  it('every reference resolves, no reference has a type or properties, every array has one item schema', () => {
    const visit = (s: SchemaV2, where: string) => {
      if (s.$ref) {
        expect(served.document.definitions, where).to.have.property(s.$ref.replace('#/definitions/', ''));
        expect(s.type, where).to.equal(undefined);
        expect(s.properties, where).to.equal(undefined);
      }
      if (s.type === 'array') expect(s.items, where).to.not.equal(undefined);
      for (const [k, p] of Object.entries(s.properties ?? {})) visit(p, `${where}.${k}`);
      if (s.items) visit(s.items, `${where}[]`);
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${where}{}`);
    };
    for (const [name, s] of Object.entries(served.document.definitions)) visit(s, name);
    expect(served.document.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']?.type).to.equal('string');
    expect(served.document.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).to.include({
      type: 'string',
      format: 'int-or-string',
    });
  });

  it('converts what v2 cannot say: preserved unknown fields, nullable, unions, $ref beside extensions', () => {
    expect(
      toV2Schema({
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { a: { type: 'string' } },
      }),
    ).to.deep.equal({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(
      toV2Schema({ type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } }),
    ).to.deep.equal({
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(toV2Schema({ type: 'string', nullable: true })).to.deep.equal({});
    expect(toV2Schema({ anyOf: [{ type: 'integer' }, { type: 'object' }] })).to.deep.equal({});
    expect(
      toV2Schema({
        description: 'd',
        allOf: [{ $ref: '#/components/schemas/X' }],
        default: {},
        'x-kubernetes-map-type': 'atomic',
      }),
    ).to.deep.equal({ description: 'd', $ref: '#/definitions/X', 'x-kubernetes-map-type': 'atomic' });
  });

  it('a reference to a definition no document has is dropped, so kubectl can still parse the document', () => {
    const crdDoc = serveDocument('apis/dangling.example.com/v1', {
      openapi: '3.0.0',
      info: { title: 't', version: 'v' },
      paths: {},
      components: {
        schemas: {
          'com.example.dangling.v1.Trap': {
            type: 'object',
            properties: {
              a: { $ref: '#/components/schemas/io.k8s.nope.v1.Missing' },
              b: { allOf: [{ $ref: '#/components/schemas/also.missing' }], description: 'kept' },
              c: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }] },
            },
          },
        },
        securitySchemes: {},
      },
    });
    const trap = buildSwagger([...servedDocuments().values(), crdDoc]).definitions['com.example.dangling.v1.Trap'];
    expect(trap?.properties?.a).to.deep.equal({});
    expect(trap?.properties?.b).to.deep.equal({ description: 'kept' });
    expect(trap?.properties?.c, 'a reference to a definition another document has').to.deep.equal({
      $ref: '#/definitions/io.k8s.api.core.v1.PodSpec',
    });
  });

  it('a property named __proto__ stays data', () => {
    const s = toV2Schema(
      JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"b":{"type":"integer"}}}'),
    );
    expect(Object.keys(s.properties ?? {})).to.deep.equal(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).type).to.equal(undefined);
    const t = definitionsOf(encodeSwagger({ ...buildSwagger([]), definitions: { T: s } })).get('T');
    expect([...named(one(t ?? Buffer.alloc(0), schemaProperties)).keys()]).to.deep.equal(['__proto__', 'b']);
  });

  it('includes custom resources’ documents, rebuilt when they change, with a new ETag', () => {
    const crdDoc = serveDocument('apis/example.com/v1', {
      openapi: '3.0.0',
      info: { title: 't', version: 'v' },
      paths: {},
      components: {
        schemas: {
          'com.example.v1.Widget': {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'string' } } } },
            'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
          },
        },
        securitySchemes: {},
      },
    });
    const withCrd = servedSwagger([crdDoc], encodeSwagger);
    expect(withCrd.etag).to.not.equal(served.etag);
    const widget = definitionsOf(withCrd.proto()).get('com.example.v1.Widget');
    expect(extensions(widget ?? Buffer.alloc(0)).get('x-kubernetes-group-version-kind')).to.deep.equal([
      { group: 'example.com', version: 'v1', kind: 'Widget' },
    ]);
    expect(servedSwagger([crdDoc], encodeSwagger), 'memoized while nothing changed').to.equal(withCrd);
    expect(definitionsOf(servedSwagger([], encodeSwagger).proto()).has('com.example.v1.Widget')).to.equal(false);
  });

  it('negotiates protobuf (both spellings), JSON and wildcards like kube-openapi; anything else is refused', () => {
    expect(negotiateV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')?.proto).to.equal(true);
    expect(negotiateV2('application/com.github.proto-openapi.spec.v2.v1.0+protobuf; q=0.9')?.proto).to.equal(true);
    expect(negotiateV2('application/json')?.proto).to.equal(false);
    expect(negotiateV2(undefined)?.returned).to.equal('application/json');
    expect(negotiateV2('text/html, */*;q=0.8')?.returned).to.equal('application/json');
    expect(negotiateV2('text/html')).to.equal(undefined);
    expect(negotiateV2('application/yaml')).to.equal(undefined);
  });
});
