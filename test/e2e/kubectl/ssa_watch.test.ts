/**
 * Unmodified kubectl against server-side apply (create on a missing object, managedFields,
 * conflicts with a readable error and no change, --force-conflicts) and against watches in
 * Table form (`get pvc -w` seeing create, update and delete).
 */
import { expect } from 'chai';
import { waitFor } from '../../helpers/wait';
import { manifests, useKubectlHarness, type KubectlHarness } from './harness';

describe('kubectl e2e: server-side apply and watch', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-ssa';
  const get = (args: string[], jsonpath: string) => h.ok(['get', ...args, '-n', ns, '-o', `jsonpath=${jsonpath}`]);

  useKubectlHarness(ns, (harness) => (h = harness));

  it('apply --server-side creates, then re-applies; kubectl owns the fields it applied', async () => {
    const cfg = manifests.pvc('ssa', ns).replace('app: store', 'app: store\n    tier: gold');
    expect(await h.ok(['apply', '--server-side', '-f', '-'], cfg)).to.equal(
      'persistentvolumeclaim/ssa serverside-applied\n',
    );
    const rv = await get(['pvc', 'ssa'], '{.metadata.resourceVersion}');
    expect(await h.ok(['apply', '--server-side', '-f', '-'], cfg)).to.equal(
      'persistentvolumeclaim/ssa serverside-applied\n',
    );
    expect(await get(['pvc', 'ssa'], '{.metadata.resourceVersion}'), 'a no-op re-apply writes nothing').to.equal(rv);
    const managed = JSON.parse(await get(['pvc', 'ssa'], '{.metadata.managedFields}')) as {
      manager: string;
      operation: string;
      fieldsV1: Record<string, Record<string, unknown>>;
    }[];
    expect(managed.map((m) => `${m.manager}/${m.operation}`)).to.deep.equal(['kubectl/Apply']);
    expect(managed[0]?.fieldsV1['f:metadata']).to.deep.equal({ 'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} } });
    expect(Object.keys(managed[0]?.fieldsV1['f:spec'] ?? {}).sort()).to.deep.equal([
      'f:accessModes',
      'f:resources',
      'f:storageClassName',
    ]);
  });

  it('a conflicting apply by another manager fails readably and changes nothing', async () => {
    const rv = await get(['pvc', 'ssa'], '{.metadata.resourceVersion}');
    const other = manifests.pvc('ssa', ns).replace('app: store', 'app: store\n    tier: silver');
    const r = await h.kubectl(['apply', '--server-side', '--field-manager=ops', '-f', '-'], other);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('Apply failed with 1 conflict: conflict with "kubectl": .metadata.labels.tier');
    expect(r.stderr).to.contain('--force-conflicts');
    expect(await get(['pvc', 'ssa'], '{.metadata.labels.tier} {.metadata.resourceVersion}')).to.equal(`gold ${rv}`);

    const forced = await h.kubectl(
      ['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', '-'],
      other,
    );
    expect(forced.code, forced.stderr).to.equal(0);
    expect(await get(['pvc', 'ssa'], '{.metadata.labels.tier}')).to.equal('silver');
    const managed = JSON.parse(await get(['pvc', 'ssa'], '{.metadata.managedFields}')) as {
      manager: string;
      fieldsV1: { 'f:metadata'?: { 'f:labels'?: Record<string, unknown> } };
    }[];
    const labelsOf = (m: string) =>
      Object.keys(managed.find((e) => e.manager === m)?.fieldsV1['f:metadata']?.['f:labels'] ?? {});
    expect(labelsOf('ops')).to.include('f:tier');
    expect(labelsOf('kubectl')).to.not.include('f:tier');
  });

  it('a field set by kubectl create conflicts with a server-side apply naming the Update manager', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('mixed', ns));
    const r = await h.kubectl(
      ['apply', '--server-side', '-f', '-'],
      manifests.pvc('mixed', ns).replace('app: store', 'app: changed'),
    );
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('conflict with "kubectl-create" using v1: .metadata.labels.app');
  });

  it('an unknown field in an apply configuration is refused under Strict', async () => {
    const r = await h.kubectl(
      ['apply', '--server-side', '-f', '-'],
      manifests.pvc('ssa-bad', ns).replace('storageClassName: hostPath', 'storageClassName: hostPath\n  nope: 1'),
    );
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('unknown field "spec.nope"');
    expect((await h.kubectl(['get', 'pvc', 'ssa-bad', '-n', ns])).stderr).to.contain('NotFound');
  });

  it('get pvc -w prints the Table header once, then a row per create, update and delete', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('w-seed', ns));
    const w = h.spawn(['get', 'pvc', '-n', ns, '-w', '-l', 'app=store', '--output-watch-events']);
    try {
      await w.line(/^ADDED\s+w-seed\s+Pending/);
      expect(w.lines[0]).to.match(/^EVENT\s+NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+AGE$/);
      const seen = w.lines.length;

      await h.ok(['create', '-f', '-'], manifests.pvc('w-new', ns));
      await w.line(/^ADDED\s+w-new\s+Pending\s+hostPath\s+\d+s$/, 15_000, seen);
      await h.ok(['label', 'pvc', 'w-new', '-n', ns, 'stage=two']);
      await w.line(/^MODIFIED\s+w-new\s+Pending/, 15_000, seen);
      await h.ok(['delete', 'pvc', 'w-new', '-n', ns]);
      await w.line(/^DELETED\s+w-new\s+Pending/, 15_000, seen);
      expect(w.lines.filter((l) => l.startsWith('EVENT')).length, 'one header').to.equal(1);
      expect(w.running, w.stderr).to.equal(true);
    } finally {
      await w.stop();
    }
  });

  it('plain get -w (no event column) follows a pod through a status change', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('w-claim', ns));
    await h.ok(['create', '-f', '-'], manifests.pod('w-pod', ns, 'w-claim'));
    const w = h.spawn(['get', 'po', 'w-pod', '-n', ns, '-w']);
    try {
      await w.line(/^w-pod\s+0\/1\s+Pending\s+0\s+\d+s$/);
      await h.ok(['label', 'pod', 'w-pod', '-n', ns, 'x=y']);
      await waitFor(
        () => w.lines.filter((l) => /^w-pod\s+0\/1\s+Pending/.test(l)).length >= 2,
        15_000,
        () => `a second row for w-pod; got:\n${w.lines.join('\n')}`,
      );
      expect(w.lines[0]).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    } finally {
      await w.stop();
    }
  });
});
