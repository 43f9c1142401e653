/**
 * kubectl against CustomResourceDefinitions: the three upstream snapshot.storage.k8s.io CRDs
 * applied unmodified become Established, their kinds are served (apply, get with the CRD's
 * printer columns, explain from the published schema, describe), a `kind: List` of custom
 * objects is validated against the CRD's schema in /openapi/v2, and deleting a CRD deletes
 * its objects.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { snapshotCrdDir } from '../../helpers/cluster';
import { tableRows, useKubectlHarness, type KubectlHarness } from './harness';

const upstream = snapshotCrdDir;
const crdFiles = [
  'snapshot.storage.k8s.io_volumesnapshotclasses.yaml',
  'snapshot.storage.k8s.io_volumesnapshotcontents.yaml',
  'snapshot.storage.k8s.io_volumesnapshots.yaml',
].map((f) => path.join(upstream, f));

const snapshotClass = `apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshotClass
metadata:
  name: csi-hostpath-snapclass
driver: kubestore.io/hostpath
deletionPolicy: Delete
`;

const snapshot = (ns: string) => `apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata:
  name: snap-1
  namespace: ${ns}
spec:
  volumeSnapshotClassName: csi-hostpath-snapclass
  source:
    persistentVolumeClaimName: my-pvc
`;

describe('kubectl e2e: CustomResourceDefinitions (upstream snapshot CRDs)', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-crd';
  useKubectlHarness(ns, (harness) => (h = harness));

  it('applies the three upstream CRDs unmodified and they become Established', async () => {
    const input = crdFiles.map((f) => readFileSync(f, 'utf8')).join('\n---\n');
    const out = await h.ok(['apply', '-f', '-'], input);
    expect(out).to.contain(
      'customresourcedefinition.apiextensions.k8s.io/volumesnapshots.snapshot.storage.k8s.io created',
    );
    await h.ok([
      'wait',
      '--for=condition=Established',
      '--timeout=30s',
      'crd/volumesnapshots.snapshot.storage.k8s.io',
      'crd/volumesnapshotclasses.snapshot.storage.k8s.io',
      'crd/volumesnapshotcontents.snapshot.storage.k8s.io',
    ]);
    const rows = tableRows(await h.ok(['get', 'crd']));
    expect(rows[0]).to.deep.equal(['NAME', 'CREATED AT']);
    expect(rows.map((r) => r[0])).to.include.members([
      'volumesnapshotclasses.snapshot.storage.k8s.io',
      'volumesnapshotcontents.snapshot.storage.k8s.io',
      'volumesnapshots.snapshot.storage.k8s.io',
    ]);
    // A re-apply says `configured`, as on Kubernetes: the files carry controller-gen's empty
    // `status:` stanza, which kubectl's three-way patch sends again (the server ignores it).
    // kubectl computes that patch from the CRD kind's published schema, without a warning.
    const again = await h.kubectl(['apply', '-f', '-'], input);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/volumesnapshots\.snapshot\.storage\.k8s\.io configured/);
    expect(again.stderr).to.not.contain('error calculating patch');
    // Without that stanza, a second apply of the same file is `unchanged`.
    const bare = readFileSync(crdFiles[0] ?? '', 'utf8').replace(/^status:\n(?: {2}.*\n?)*/m, '');
    expect(bare).to.not.match(/^status:/m);
    await h.ok(['apply', '-f', '-'], bare);
    expect(await h.ok(['apply', '-f', '-'], bare)).to.match(/ unchanged\n?$/);
  });

  it('applies a VolumeSnapshotClass and a VolumeSnapshot; get prints the CRD columns', async () => {
    expect(await h.ok(['apply', '-f', '-'], snapshotClass)).to.contain(
      'volumesnapshotclass.snapshot.storage.k8s.io/csi-hostpath-snapclass created',
    );
    expect(await h.ok(['apply', '-f', '-'], snapshot(ns))).to.contain(
      'volumesnapshot.snapshot.storage.k8s.io/snap-1 created',
    );
    const rows = tableRows(await h.ok(['get', 'volumesnapshot', '-n', ns]));
    expect(rows[0]).to.deep.equal([
      'NAME',
      'READYTOUSE',
      'SOURCEPVC',
      'SOURCESNAPSHOTCONTENT',
      'RESTORESIZE',
      'SNAPSHOTCLASS',
      'SNAPSHOTCONTENT',
      'CREATIONTIME',
      'AGE',
    ]);
    expect(rows[1]?.slice(0, 3)).to.deep.equal(['snap-1', 'my-pvc', 'csi-hostpath-snapclass']);
    const classes = tableRows(await h.ok(['get', 'vsclass']));
    expect(classes[0]).to.deep.equal(['NAME', 'DRIVER', 'DELETIONPOLICY', 'AGE']);
    expect(classes[1]?.slice(0, 3)).to.deep.equal(['csi-hostpath-snapclass', 'kubestore.io/hostpath', 'Delete']);
  });

  it('server-side apply and merge patches work on custom objects; a strategic merge patch is refused', async () => {
    const ssa = await h.ok(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=e2e', '-f', '-'],
      snapshotClass.replace('deletionPolicy: Delete', 'deletionPolicy: Retain'),
    );
    expect(ssa).to.contain('serverside-applied');
    expect(await h.ok(['get', 'vsclass', 'csi-hostpath-snapclass', '-o', 'jsonpath={.deletionPolicy}'])).to.equal(
      'Retain',
    );
    await h.ok(['patch', 'vsclass', 'csi-hostpath-snapclass', '--type=merge', '-p', '{"deletionPolicy":"Delete"}']);
    expect(await h.ok(['get', 'vsclass', 'csi-hostpath-snapclass', '-o', 'jsonpath={.deletionPolicy}'])).to.equal(
      'Delete',
    );
    const smp = await h.kubectl(['patch', 'vsclass', 'csi-hostpath-snapclass', '-p', '{"deletionPolicy":"Retain"}']);
    expect(smp.code).to.not.equal(0);
    expect(smp.stderr).to.contain('application/strategic-merge-patch+json is not supported');
  });

  it('refuses a VolumeSnapshotClass breaking the schema (422 from the server)', async () => {
    const r = await h.kubectl(
      ['apply', '-f', '-'],
      snapshotClass.replace('Delete', 'Sometimes').replace('csi-hostpath-snapclass', 'bad-class'),
    );
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('deletionPolicy');
    expect(r.stderr).to.contain('Unsupported value: "Sometimes"');
  });

  it('explains and describes a VolumeSnapshot', async () => {
    const explain = await h.ok(['explain', 'volumesnapshot.spec']);
    expect(explain).to.contain('KIND:       VolumeSnapshot');
    expect(explain).to.contain('volumeSnapshotClassName');
    expect(explain).to.contain('source');
    const describe = await h.ok(['describe', 'volumesnapshot', 'snap-1', '-n', ns]);
    expect(describe).to.match(/Name:\s+snap-1/);
    expect(describe).to.match(/Kind:\s+VolumeSnapshot/);
    expect(describe).to.contain('Persistent Volume Claim Name:  my-pvc');
  });

  it('a List of custom objects restores from get -o yaml, and an unknown field in one is refused (v2 schema)', async () => {
    const backup = await h.ok(['get', 'vsclass,volumesnapshot', '-n', ns, '-o', 'yaml']);
    expect(backup).to.contain('kind: List');
    await h.ok(['delete', 'volumesnapshot', 'snap-1', '-n', ns]);
    await h.ok(['delete', 'vsclass', 'csi-hostpath-snapclass']);
    const r = await h.kubectl(['apply', '-f', '-'], backup);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal(
      'volumesnapshotclass.snapshot.storage.k8s.io/csi-hostpath-snapclass created\nvolumesnapshot.snapshot.storage.k8s.io/snap-1 created\n',
    );
    const bad = `apiVersion: v1\nkind: List\nitems:\n- ${snapshotClass
      .replace('csi-hostpath-snapclass', 'listed-class')
      .replace('deletionPolicy: Delete', 'deletionPolicy: Delete\nbogus: x')
      .trimEnd()
      .split('\n')
      .join('\n  ')}\n`;
    const refused = await h.kubectl(['create', '-f', '-'], bad);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('unknown field "bogus" in io.k8s.storage.snapshot.v1.VolumeSnapshotClass');
    expect((await h.kubectl(['get', 'vsclass', 'listed-class'])).stderr).to.contain('NotFound');
  });

  it('deleting a CRD deletes its objects', async () => {
    await h.ok(['delete', 'crd', 'volumesnapshots.snapshot.storage.k8s.io']);
    const gone = await h.kubectl(['get', 'crd', 'volumesnapshots.snapshot.storage.k8s.io']);
    expect(gone.code).to.not.equal(0);
    expect(gone.stderr).to.contain('NotFound');
    const raw = await h.request('GET', `/apis/snapshot.storage.k8s.io/v1/namespaces/${ns}/volumesnapshots`);
    expect(raw.status).to.equal(404);
    // Re-created, the kind comes back empty: the old objects went with the CRD.
    await h.ok(['apply', '-f', path.join(upstream, 'snapshot.storage.k8s.io_volumesnapshots.yaml')]);
    await h.ok(['wait', '--for=condition=Established', '--timeout=30s', 'crd/volumesnapshots.snapshot.storage.k8s.io']);
    const after = await h.kubectl(['get', 'volumesnapshot', '-n', ns]);
    expect(after.stderr + after.stdout).to.contain('No resources found');
  });
});
