/**
 * `kind: List` files, the backup/restore workflow: kubectl validates a List client-side against
 * /openapi/v2 (v3 cannot say whether `v1 List` supports server-side field validation), so
 * `get -o yaml` → delete → `apply -f` restores the objects, `create -f` of a List works, an
 * unknown field in an item is refused before anything is written, and `explain` still reads v3
 * (and reads v2 when asked to).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { dump, load } from 'js-yaml';
import { manifests, useKubectlHarness, type KubectlHarness } from './harness';

/** A `kind: List` of the YAML documents given. */
function list(...docs: string[]): string {
  return dump({ apiVersion: 'v1', kind: 'List', items: docs.map((d) => load(d)) });
}

describe('kubectl e2e: kind List (backup and restore)', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-list';
  const names = (args: string[]) => h.ok(['get', ...args, '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}']);

  useKubectlHarness(ns, (harness) => (h = harness));

  const uids = () => h.ok(['get', 'pvc', '-l', 'backup=yes', '-n', ns, '-o', 'jsonpath={.items[*].metadata.uid}']);

  it('get pvc,sc -o yaml → delete → apply -f of that file recreates them', async () => {
    const sc = manifests
      .storageClass('backup-sc')
      .replace('  annotations:\n', '  labels:\n    backup: "yes"\n  annotations:\n');
    const claims = ['backup-a', 'backup-b'].map((n) => manifests.pvc(n, ns).replace('app: store', 'backup: "yes"'));
    await h.ok(['create', '-f', '-'], [sc, ...claims].join('---\n'));
    const uidsBefore = await uids();

    const backup = await h.ok(['get', 'pvc,sc', '-l', 'backup=yes', '-n', ns, '-o', 'yaml']);
    expect(backup).to.match(/^apiVersion: v1\nitems:/);
    expect(backup).to.contain('kind: List');
    const file = path.join(h.dir, 'backup.yaml');
    writeFileSync(file, backup);

    await h.ok(['delete', 'pvc,sc', '-l', 'backup=yes', '-n', ns]);
    expect(await names(['pvc', '-l', 'backup=yes'])).to.equal('');

    const r = await h.kubectl(['apply', '-f', file]);
    expect(r.stderr, 'validated against /openapi/v2 without an error').to.equal('');
    expect(r.stdout.split('\n').filter(Boolean).sort()).to.deep.equal([
      'persistentvolumeclaim/backup-a created',
      'persistentvolumeclaim/backup-b created',
      'storageclass.storage.k8s.io/backup-sc created',
    ]);
    expect(await names(['pvc', '-l', 'backup=yes'])).to.equal('backup-a backup-b');
    expect(await h.ok(['get', 'sc', 'backup-sc', '-o', 'jsonpath={.provisioner} {.volumeBindingMode}'])).to.equal(
      'kubestore.io/hostpath WaitForFirstConsumer',
    );
    const uidsAfter = await uids();
    expect(uidsAfter, 'new objects, not the old ones').to.not.equal(uidsBefore);
  });

  it('create -f of a List creates every item', async () => {
    const r = await h.kubectl(
      ['create', '-f', '-'],
      list(manifests.pvc('listed', ns), manifests.lease('listed-lease', ns)),
    );
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal('persistentvolumeclaim/listed created\nlease.coordination.k8s.io/listed-lease created\n');
    expect(await h.ok(['get', 'lease', 'listed-lease', '-n', ns, '-o', 'jsonpath={.spec.holderIdentity}'])).to.equal(
      'holder-1',
    );
  });

  it('a List whose item has an unknown field is refused with a readable error and creates nothing', async () => {
    const bad = manifests
      .pvc('list-bad', ns)
      .replace('storageClassName: hostPath', 'storageClassName: hostPath\n  foo: bar');
    const file = list(manifests.pvc('list-good', ns), bad);
    for (const verb of ['create', 'apply']) {
      const r = await h.kubectl([verb, '-f', '-'], file);
      expect(r.code, `${verb}: ${r.stdout}`).to.equal(1);
      expect(r.stderr).to.contain('unknown field "foo" in io.k8s.api.core.v1.PersistentVolumeClaimSpec');
      expect(r.stderr).to.contain('turn validation off with --validate=false');
    }
    for (const name of ['list-good', 'list-bad'])
      expect((await h.kubectl(['get', 'pvc', name, '-n', ns])).stderr, name).to.contain('NotFound');
  });

  it('explain still reads the OpenAPI v3 schema; --output=plaintext-openapiv2 reads v2', async () => {
    const out = await h.ok(['explain', 'storageclass.volumeBindingMode']);
    expect(out).to.contain('KIND:       StorageClass');
    expect(out).to.contain('FIELD: volumeBindingMode <string>');
    const v2 = await h.ok(['explain', 'pvc.spec', '--output=plaintext-openapiv2']);
    expect(v2).to.contain('RESOURCE: spec <Object>');
    expect(v2).to.match(/accessModes\t<\[\]string>/);
    expect(v2).to.match(/resources\t<Object>/);
  });
});
