import { expect } from 'chai';
import { StatusError } from '../../../../pkg/api/errors';
import type { KubeObject } from '../../../../pkg/api/meta';
import { schemaForKind } from '../../../../pkg/apiserver/openapi/lookup';
import { decodeApplyConfiguration, serverSideApply } from '../../../../pkg/apiserver/patch/apply';
import { FieldSet, fromFieldsV1, pathString, toFieldsV1 } from '../../../../pkg/apiserver/patch/fieldset';
import { decodeManagers, fieldsOf, managerName, recordUpdate } from '../../../../pkg/apiserver/patch/managedfields';

const pvcSchema = schemaForKind('', 'v1', 'PersistentVolumeClaim');
const podSchema = schemaForKind('', 'v1', 'Pod');
const now = new Date('2026-01-01T00:00:00Z');
const scope = { hasStatus: true };

function claim(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', namespace: 'default', ...metadata },
    spec,
  } as KubeObject;
}

const live = (obj: KubeObject): KubeObject => ({
  ...obj,
  metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '5' },
});

function apply(cur: KubeObject, cfg: KubeObject, manager: string, force = false): KubeObject {
  return serverSideApply(cur, cfg, { schema: pvcSchema, manager, force, scope, now });
}

function owners(obj: KubeObject): Record<string, string[]> {
  return Object.fromEntries(
    decodeManagers(obj.metadata.managedFields).map((m) => [
      `${m.manager}/${m.operation}`,
      m.fields.paths().map(pathString).sort(),
    ]),
  );
}

const blank: KubeObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'c', namespace: 'default' },
};
const cfgA = claim(
  { storageClassName: 'hostPath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  { labels: { app: 'a' } },
);

describe('field sets (FieldsV1)', () => {
  it('round-trips through the FieldsV1 trie with "." on nodes that are members and have children', () => {
    const fields = fieldsOf(cfgA, pvcSchema, scope).all;
    const v1 = toFieldsV1(fields);
    expect(v1).to.deep.equal({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:accessModes': {},
        'f:resources': { 'f:requests': { '.': {}, 'f:storage': {} } },
        'f:storageClassName': {},
      },
    });
    const back = fromFieldsV1(v1);
    expect(back.paths().map(pathString).sort()).to.deep.equal(fields.paths().map(pathString).sort());
  });

  it('keys associative list items and set values, and prints paths as structured-merge-diff does', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', finalizers: ['x'] },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    };
    const paths = fieldsOf(pod, podSchema, scope).all.paths().map(pathString);
    expect(paths).to.include.members([
      '.metadata.finalizers[="x"]',
      '.spec.containers[name="c"]',
      '.spec.containers[name="c"].image',
      '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]',
    ]);
    expect(paths).to.not.include('.metadata.name');
    expect(paths).to.not.include('.apiVersion');
  });

  it('set algebra', () => {
    const a = new FieldSet([['f:a'], ['f:b']]);
    const b = new FieldSet([['f:b'], ['f:c', 'f:d']]);
    expect(a.union(b).size).to.equal(3);
    expect(a.difference(b).paths()).to.deep.equal([['f:a']]);
    expect(a.intersection(b).paths()).to.deep.equal([['f:b']]);
    expect(b.hasPrefix(['f:c'])).to.equal(true);
    expect(b.hasPrefix(['f:a'])).to.equal(false);
  });
});

describe('server-side apply', () => {
  it('creates: the applier owns exactly what it applied', () => {
    const out = apply(blank, cfgA, 'alice');
    expect(out.metadata.labels).to.deep.equal({ app: 'a' });
    expect(owners(out)).to.deep.equal({
      'alice/Apply': [
        '.metadata.labels',
        '.metadata.labels.app',
        '.spec.accessModes',
        '.spec.resources.requests',
        '.spec.resources.requests.storage',
        '.spec.storageClassName',
      ],
    });
    expect(out.metadata.managedFields?.[0]).to.include({
      manager: 'alice',
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      time: '2026-01-01T00:00:00Z',
    });
  });

  it('re-applying the same configuration changes nothing, not even the time', () => {
    const once = live(apply(blank, cfgA, 'alice'));
    const twice = serverSideApply(once, cfgA, {
      schema: pvcSchema,
      manager: 'alice',
      force: false,
      scope,
      now: new Date('2027-01-01T00:00:00Z'),
    });
    expect(twice).to.deep.equal(once);
  });

  it('a second manager applying a different value conflicts: 409 naming the field and the owner', () => {
    const cur = live(apply(blank, cfgA, 'alice'));
    const cfgB = claim({ resources: { requests: { storage: '2Gi' } } });
    let err: unknown;
    try {
      apply(cur, cfgB, 'bob');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StatusError);
    const s = (err as StatusError).status;
    expect(s.code).to.equal(409);
    expect(s.reason).to.equal('Conflict');
    expect(s.message).to.equal('Apply failed with 1 conflict: conflict with "alice": .spec.resources.requests.storage');
    expect(s.details?.causes).to.deep.equal([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.resources.requests.storage' },
    ]);
  });

  it('lists several conflicts per manager', () => {
    const cur = live(apply(blank, cfgA, 'alice'));
    try {
      apply(cur, claim({ storageClassName: 'nfs', resources: { requests: { storage: '2Gi' } } }), 'bob');
      expect.fail('no conflict');
    } catch (e) {
      expect((e as StatusError).message).to.equal(
        'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.storageClassName\n- .spec.resources.requests.storage',
      );
    }
  });

  it('applying the same value co-owns the field without conflict', () => {
    const cur = live(apply(blank, cfgA, 'alice'));
    const out = apply(cur, claim({ resources: { requests: { storage: '1Gi' } } }), 'bob');
    const o = owners(out);
    expect(o['alice/Apply']).to.include('.spec.resources.requests.storage');
    expect(o['bob/Apply']).to.include('.spec.resources.requests.storage');
  });

  it('force takes the conflicting fields over', () => {
    const cur = live(apply(blank, cfgA, 'alice'));
    const out = apply(cur, claim({ resources: { requests: { storage: '2Gi' } } }), 'bob', true);
    expect(
      (out as KubeObject & { spec: { resources: { requests: { storage: string } } } }).spec.resources.requests.storage,
    ).to.equal('2Gi');
    const o = owners(out);
    expect(o['alice/Apply']).to.not.include('.spec.resources.requests.storage');
    expect(o['alice/Apply']).to.include('.spec.storageClassName');
    expect(o['bob/Apply']).to.include('.spec.resources.requests.storage');
  });

  it('fields the applier drops are removed, unless another manager owns them', () => {
    let cur = live(
      apply(blank, claim({ storageClassName: 'x' }, { labels: { app: 'a', team: 't', keep: 'k' } }), 'alice'),
    );
    cur = live(apply(cur, claim({}, { labels: { keep: 'k' } }), 'bob'));
    const out = apply(cur, claim({ storageClassName: 'x' }, { labels: { app: 'a' } }), 'alice');
    expect(out.metadata.labels).to.deep.equal({ app: 'a', keep: 'k' });
  });

  it('an Update manager’s fields conflict too (kubectl create, then apply --server-side)', () => {
    const created = live({
      ...cfgA,
      metadata: {
        ...cfgA.metadata,
        managedFields: recordUpdate({
          old: undefined,
          obj: cfgA,
          schema: pvcSchema,
          manager: 'kubectl-create',
          scope,
          now,
        }),
      },
    });
    try {
      apply(created, claim({ storageClassName: 'nfs' }), 'kubectl');
      expect.fail('no conflict');
    } catch (e) {
      expect((e as StatusError).message).to.equal(
        'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.storageClassName',
      );
    }
  });

  it('an object without managedFields is attributed to before-first-apply', () => {
    try {
      apply(live(cfgA), claim({ storageClassName: 'nfs' }), 'kubectl');
      expect.fail('no conflict');
    } catch (e) {
      expect((e as StatusError).message).to.contain('"before-first-apply" using v1: .spec.storageClassName');
    }
  });

  it('merges associative lists by key and keeps items others own', () => {
    const podCfg = (containers: unknown[]) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } }) as unknown as KubeObject;
    const o = { schema: podSchema, force: false, scope, now };
    let cur = live(
      serverSideApply(
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
        podCfg([{ name: 'a', image: 'a:1' }]),
        { ...o, manager: 'm1' },
      ),
    );
    cur = live(serverSideApply(cur, podCfg([{ name: 'b', image: 'b:1' }]), { ...o, manager: 'm2' }));
    cur = live(serverSideApply(cur, podCfg([{ name: 'a', image: 'a:2' }]), { ...o, manager: 'm1' }));
    expect((cur as unknown as { spec: { containers: unknown[] } }).spec.containers).to.deep.equal([
      { name: 'a', image: 'a:2' },
      { name: 'b', image: 'b:1' },
    ]);
  });

  it('checks the configuration: kind, apiVersion and name must match the URL', () => {
    const expect1 = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'c' };
    expect(() => decodeApplyConfiguration(Buffer.from('kind: PersistentVolumeClaim\n'), expect1)).to.throw(
      /apiVersion and kind must be set/,
    );
    expect(() => decodeApplyConfiguration(Buffer.from('apiVersion: v1\nkind: Pod\n'), expect1)).to.throw(
      /URL is for v1, Kind=PersistentVolumeClaim/,
    );
    expect(() =>
      decodeApplyConfiguration(
        Buffer.from('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: other}\n'),
        expect1,
      ),
    ).to.throw(/does not match the name on the URL/);
    expect(
      decodeApplyConfiguration(Buffer.from('{"apiVersion":"v1","kind":"PersistentVolumeClaim"}'), expect1).metadata
        .name,
    ).to.equal('c');
  });
});

describe('managedFields of Update operations', () => {
  it('a write takes ownership of what it changes away from others; removed fields are owned by nobody', () => {
    const created = {
      ...cfgA,
      metadata: {
        ...cfgA.metadata,
        managedFields: recordUpdate({ old: undefined, obj: cfgA, schema: pvcSchema, manager: 'creator', scope, now }),
      },
    };
    const edited = claim(
      { storageClassName: 'hostPath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
      { labels: { app: 'a', extra: 'e' } },
    );
    const mf = recordUpdate({ old: created, obj: edited, schema: pvcSchema, manager: 'editor', scope, now });
    const o = owners({ ...edited, metadata: { ...edited.metadata, managedFields: mf } });
    expect(o['editor/Update']).to.deep.equal(['.metadata.labels.extra', '.spec.resources.requests.storage']);
    expect(o['creator/Update']).to.not.include('.spec.resources.requests.storage');
    expect(o['creator/Update']).to.include('.spec.storageClassName');

    const shrunk = claim({ storageClassName: 'hostPath' });
    const mf2 = recordUpdate({
      old: { ...edited, metadata: { ...edited.metadata, managedFields: mf } },
      obj: shrunk,
      schema: pvcSchema,
      manager: 'pruner',
      scope,
      now,
    });
    const o2 = owners({ ...shrunk, metadata: { ...shrunk.metadata, managedFields: mf2 } });
    expect(o2).to.deep.equal({ 'creator/Update': ['.spec.storageClassName'] });
  });

  it('status is not owned through the main resource of a kind with a status subresource', () => {
    const obj = { ...claim({ storageClassName: 'x' }), status: { phase: 'Bound' } } as KubeObject;
    const paths = fieldsOf(obj, pvcSchema, scope).all.paths().map(pathString);
    expect(paths).to.deep.equal(['.spec.storageClassName']);
    expect(
      fieldsOf(obj, pvcSchema, { hasStatus: true, subresource: 'status' }).all.paths().map(pathString),
    ).to.deep.equal(['.status.phase']);
  });

  it('names the manager from fieldManager, else the User-Agent prefix', () => {
    expect(managerName('kubectl-create', 'kubectl/v1.32.0 (linux/amd64)')).to.equal('kubectl-create');
    expect(managerName(undefined, 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc')).to.equal('kubectl');
    expect(managerName(undefined, undefined)).to.equal('unknown');
  });
});
