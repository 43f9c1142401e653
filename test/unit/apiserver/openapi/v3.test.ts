import { expect } from 'chai';
import { allResources } from '../../../../pkg/api/resources';
import { allSchemas } from '../../../../pkg/apiserver/openapi/definitions';
import {
  fieldSchema,
  itemSchema,
  listSemantics,
  patchMeta,
  schemaForKind,
} from '../../../../pkg/apiserver/openapi/lookup';
import { refPrefix } from '../../../../pkg/apiserver/openapi/schema';
import { buildDocument, openApiIndex, servedDocuments } from '../../../../pkg/apiserver/openapi/v3';

function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

describe('OpenAPI v3', () => {
  it('indexes one document per group-version with a hash', () => {
    const idx = openApiIndex();
    expect(Object.keys(idx.paths).sort()).to.deep.equal([
      'api/v1',
      'apis/apps/v1',
      'apis/coordination.k8s.io/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/storage.k8s.io/v1',
    ]);
    expect(idx.paths['api/v1']?.serverRelativeURL).to.match(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('every $ref of every document resolves inside that document', () => {
    for (const d of servedDocuments().values()) {
      const doc = JSON.parse(d.json) as { components: { schemas: Record<string, unknown> } };
      for (const r of refs(doc)) {
        expect(r.startsWith(refPrefix), r).to.equal(true);
        expect(doc.components.schemas, `${d.path}: ${r}`).to.have.property(r.slice(refPrefix.length));
      }
    }
  });

  it('each kind has a schema with its group-version-kind and a PATCH that kubectl recognizes', () => {
    for (const r of allResources) {
      const doc = buildDocument(r.group, r.version);
      const kindSchema = Object.values(doc.components.schemas).find((s) =>
        s['x-kubernetes-group-version-kind']?.some((g) => g.kind === r.kind && g.group === r.group),
      );
      expect(kindSchema, r.kind).to.not.equal(undefined);
      const patches = Object.values(doc.paths).flatMap((p) =>
        p.patch && p.patch['x-kubernetes-group-version-kind'].kind === r.kind ? [p.patch] : [],
      );
      expect(patches.length, r.kind).to.be.greaterThan(0);
      for (const op of patches) {
        expect(op.parameters?.map((p) => p.name)).to.include.members([
          'fieldValidation',
          'fieldManager',
          'force',
          'dryRun',
        ]);
        expect(Object.keys(op.requestBody?.content ?? {})).to.include.members([
          'application/strategic-merge-patch+json',
          'application/apply-patch+yaml',
        ]);
      }
    }
  });

  it('paths follow the resources’ verbs: namespaces have PUT …/finalize and no collection DELETE; pods have both DELETEs', () => {
    const paths = buildDocument('', 'v1').paths;
    const finalize = paths['/api/v1/namespaces/{name}/finalize'];
    expect(finalize && Object.keys(finalize).filter((k) => k !== 'parameters')).to.deep.equal(['put']);
    expect(finalize?.put?.operationId).to.equal('replaceCoreV1NamespaceFinalize');
    expect(paths['/api/v1/namespaces']?.delete).to.equal(undefined);
    expect(paths['/api/v1/namespaces/{name}']?.delete).to.not.equal(undefined);
    expect(paths['/api/v1/namespaces/{namespace}/pods']?.delete?.operationId).to.equal(
      'deleteCoreV1CollectionNamespacedPod',
    );
  });

  it('marks lists with their merge keys and list types', () => {
    const podSpec = fieldSchema(schemaForKind('', 'v1', 'Pod'), 'spec');
    const containers = fieldSchema(podSpec, 'containers');
    expect(patchMeta(containers)).to.deep.equal({ strategies: ['merge'], mergeKey: 'name' });
    expect(listSemantics(containers)).to.deep.equal({ type: 'map', keys: ['name'] });
    expect(patchMeta(fieldSchema(podSpec, 'volumes'))).to.deep.equal({
      strategies: ['merge', 'retainKeys'],
      mergeKey: 'name',
    });
    const container = itemSchema(containers);
    expect(patchMeta(fieldSchema(container, 'volumeMounts')).mergeKey).to.equal('mountPath');
    expect(listSemantics(fieldSchema(container, 'ports'))).to.deep.equal({
      type: 'map',
      keys: ['containerPort', 'protocol'],
    });
    const meta = fieldSchema(schemaForKind('', 'v1', 'Pod'), 'metadata');
    expect(listSemantics(fieldSchema(meta, 'finalizers')).type).to.equal('set');
    expect(
      listSemantics(fieldSchema(fieldSchema(schemaForKind('', 'v1', 'PersistentVolumeClaim'), 'spec'), 'accessModes'))
        .type,
    ).to.equal('atomic');
    expect(Object.keys(allSchemas)).to.include('io.k8s.api.core.v1.PersistentVolumeClaim');
  });
});
