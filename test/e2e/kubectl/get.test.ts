/**
 * Unmodified kubectl reads everything: `get` of every kind by short name (server-side Tables),
 * `-A`, `-o yaml|json|wide`, label and field selectors, `describe` with an Events section, and
 * `explain` from the OpenAPI v3 documents.
 */
import { expect } from 'chai';
import { manifests, tableRows, useKubectlHarness, type KubectlHarness } from './harness';

describe('kubectl e2e: get, describe, explain', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-get';
  const uids: Record<string, string> = {};

  useKubectlHarness(
    ns,
    (harness) => (h = harness),
    async () => {
      const all = [
        manifests.pv('pv-get'),
        manifests.pvc('claim-a', ns),
        manifests.pvc('claim-b', ns).replace('app: store', 'app: other'),
        manifests.pod('pod-a', ns, 'claim-a'),
        manifests.storageClass('sc-get'),
        manifests.node('node-get'),
        manifests.lease('lease-get', ns),
      ].join('---\n');
      const out = await h.ok(['create', '-f', '-'], all);
      expect(out).to.contain('persistentvolume/pv-get created');
      expect(out).to.contain('persistentvolumeclaim/claim-a created');
      expect(out).to.contain('pod/pod-a created');
      for (const [kind, res, name, namespace] of [
        ['PersistentVolume', 'pv', 'pv-get', undefined],
        ['PersistentVolumeClaim', 'pvc', 'claim-a', ns],
        ['Pod', 'pod', 'pod-a', ns],
      ] as const) {
        uids[kind] = await h.ok([
          'get',
          res,
          name,
          ...(namespace ? ['-n', namespace] : []),
          '-o',
          'jsonpath={.metadata.uid}',
        ]);
        await h.ok(
          ['create', '-f', '-'],
          manifests.event(
            `${name}.ev`,
            namespace ?? 'default',
            { kind, name, ...(namespace ? { namespace } : {}), uid: uids[kind] ?? '' },
            'E2eTesting',
            `something happened to ${name}`,
          ),
        );
      }
    },
  );

  const cases: { short: string; args: string[]; header: string[]; row: RegExp }[] = [
    {
      short: 'pv',
      args: [],
      header: [
        'NAME',
        'CAPACITY',
        'ACCESS MODES',
        'RECLAIM POLICY',
        'STATUS',
        'CLAIM',
        'STORAGECLASS',
        'REASON',
        'AGE',
      ],
      row: /^pv-get\s+5Gi\s+RWO,ROX\s+Retain\s+Pending\s+manual\s+\d+s$/,
    },
    {
      short: 'pvc',
      args: ['-n', ns],
      header: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE'],
      row: /^claim-a\s+Pending\s+hostPath\s+\d+s$/,
    },
    {
      short: 'po',
      args: ['-n', ns],
      header: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      row: /^pod-a\s+0\/1\s+Pending\s+0\s+\d+s$/,
    },
    {
      short: 'no',
      args: [],
      header: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      row: /^node-get\s+Unknown\s+worker\s+\d+s/,
    },
    { short: 'ns', args: [], header: ['NAME', 'STATUS', 'AGE'], row: new RegExp(`^${ns}\\s+Active\\s+\\d+s$`) },
    {
      short: 'sc',
      args: [],
      header: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
      row: /^sc-get \(default\)\s+kubestore\.io\/hostpath\s+Retain\s+WaitForFirstConsumer\s+false\s+\d+s$/,
    },
    {
      short: 'ev',
      args: ['-n', ns],
      header: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      row: /^\d+s\s+Warning\s+E2eTesting\s+persistentvolumeclaim\/claim-a\s+something happened to claim-a$/,
    },
    { short: 'lease', args: ['-n', ns], header: ['NAME', 'HOLDER', 'AGE'], row: /^lease-get\s+holder-1\s+\d+s$/ },
  ];
  for (const c of cases) {
    it(`get ${c.short} prints the Kubernetes columns`, async () => {
      const out = await h.ok(['get', c.short, ...c.args]);
      const lines = out.trim().split('\n');
      expect(tableRows(out)[0]).to.deep.equal(c.header);
      expect(
        lines.slice(1).some((l) => c.row.test(l.trim())),
        out,
      ).to.equal(true);
    });
  }

  it('get -A adds a NAMESPACE column from the rows’ metadata', async () => {
    const rows = tableRows(await h.ok(['get', 'pvc', '-A']));
    expect(rows[0]?.[0]).to.equal('NAMESPACE');
    expect(rows.filter((r) => r[0] === ns).map((r) => r[1])).to.deep.equal(['claim-a', 'claim-b']);
  });

  it('get -o wide shows the priority-1 columns', async () => {
    const rows = tableRows(await h.ok(['get', 'po', '-n', ns, '-o', 'wide']));
    expect(rows[0]).to.deep.equal([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(rows[1]?.slice(-4)).to.deep.equal(['<none>', '<none>', '<none>', '<none>']);
    expect(tableRows(await h.ok(['get', 'pvc', '-n', ns, '-o', 'wide']))[0]).to.include('VOLUMEMODE');
  });

  it('get -o json and -o yaml return the objects themselves', async () => {
    const list = JSON.parse(await h.ok(['get', 'pvc', '-n', ns, '-o', 'json'])) as {
      kind: string;
      items: { kind: string; metadata: { name: string; managedFields?: unknown } }[];
    };
    expect(list.kind).to.equal('List');
    expect(list.items.map((i) => i.metadata.name)).to.deep.equal(['claim-a', 'claim-b']);
    expect(list.items[0]?.kind).to.equal('PersistentVolumeClaim');
    const yaml = await h.ok(['get', 'pv', 'pv-get', '-o', 'yaml']);
    expect(yaml).to.match(/^apiVersion: v1\nkind: PersistentVolume\n/);
    expect(yaml).to.contain('path: /tmp/kubestore-e2e/pv-get');
    const withFields = await h.ok(['get', 'pvc', 'claim-a', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
    expect(withFields).to.contain('manager: kubectl-create');
  });

  it('-l and --field-selector filter on the server; --show-labels reads the rows’ metadata', async () => {
    expect(tableRows(await h.ok(['get', 'pvc', '-n', ns, '-l', 'app=other'])).map((r) => r[0])).to.deep.equal([
      'NAME',
      'claim-b',
    ]);
    expect(
      tableRows(await h.ok(['get', 'pvc', '-A', '--field-selector', 'metadata.name=claim-a'])).map((r) => r[1]),
    ).to.deep.equal(['NAME', 'claim-a']);
    expect(tableRows(await h.ok(['get', 'pv', '--field-selector', 'status.phase=Bound'])).length).to.equal(0);
    const labels = tableRows(await h.ok(['get', 'pv', 'pv-get', '--show-labels']));
    expect(labels[0]?.at(-1)).to.equal('LABELS');
    expect(labels[1]?.at(-1)).to.equal('tier=gold');
  });

  it('get of several kinds at once and of a missing object', async () => {
    const out = await h.ok(['get', 'pvc,po', '-n', ns]);
    expect(out).to.contain('persistentvolumeclaim/claim-a');
    expect(out).to.contain('pod/pod-a');
    // `all` is a discovery category (pods and statefulsets): kubectl names each row's kind.
    expect(tableRows(await h.ok(['get', 'all', '-n', ns])).map((r) => r[0])).to.deep.equal(['NAME', 'pod/pod-a']);
    const missing = await h.kubectl(['get', 'pvc', 'nope', '-n', ns]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('Error from server (NotFound): persistentvolumeclaims "nope" not found');
  });

  for (const [what, args] of [
    ['pvc', ['describe', 'pvc', 'claim-a', '-n', ns]],
    ['pv', ['describe', 'pv', 'pv-get']],
    ['pod', ['describe', 'pod', 'pod-a', '-n', ns]],
  ] as const) {
    it(`describe ${what} shows its Events`, async () => {
      const out = await h.ok([...args]);
      const events = out.slice(out.indexOf('Events:'));
      expect(out).to.contain('Events:');
      expect(events).to.match(/Warning\s+E2eTesting\s+\S+ \(x2 over \S+\)\s+e2e-test\s+something happened to/);
    });
  }

  it('explain pvc.spec reads the OpenAPI v3 schema', async () => {
    const out = await h.ok(['explain', 'pvc.spec']);
    expect(out).to.contain('KIND:       PersistentVolumeClaim');
    expect(out).to.contain('FIELD: spec <PersistentVolumeClaimSpec>');
    expect(out).to.match(/accessModes\s+<\[\]string>/);
    expect(out).to.match(/resources\s+<VolumeResourceRequirements>/);
    const deep = await h.ok(['explain', 'pod.spec.containers.volumeMounts.mountPath']);
    expect(deep).to.contain('FIELD: mountPath <string>');
  });
});
