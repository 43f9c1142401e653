/**
 * Unmodified kubectl writes: `create -f`, client-side `apply -f` (created / configured /
 * unchanged, last-applied annotation, strategic merge patches computed from our OpenAPI),
 * `patch` of every type, `delete` waiting on finalizers, and the readable errors of an invalid
 * manifest and of an unknown field under kubectl's default Strict field validation — which
 * leave nothing behind.
 */
import { expect } from 'chai';
import { waitFor } from '../../helpers/wait';
import { manifests, useKubectlHarness, type KubectlHarness } from './harness';

describe('kubectl e2e: create, apply, patch, delete', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-write';
  const get = (args: string[], jsonpath: string) => h.ok(['get', ...args, '-n', ns, '-o', `jsonpath=${jsonpath}`]);

  useKubectlHarness(ns, (harness) => (h = harness));

  it('create -f creates, and a second create is AlreadyExists', async () => {
    expect(await h.ok(['create', '-f', '-'], manifests.pvc('created', ns))).to.equal(
      'persistentvolumeclaim/created created\n',
    );
    expect(await get(['pvc', 'created'], '{.status.phase}')).to.equal('Pending');
    const again = await h.kubectl(['create', '-f', '-'], manifests.pvc('created', ns));
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('Error from server (AlreadyExists)');
  });

  it('apply -f: created, unchanged, configured — with the last-applied annotation', async () => {
    const v1 = manifests.pvc('applied', ns, '  annotations:\n    note: one\n');
    expect(await h.ok(['apply', '-f', '-'], v1)).to.equal('persistentvolumeclaim/applied created\n');
    const lastApplied = await get(
      ['pvc', 'applied'],
      "{.metadata.annotations['kubectl\\.kubernetes\\.io/last-applied-configuration']}",
    );
    expect(JSON.parse(lastApplied)).to.deep.include({ kind: 'PersistentVolumeClaim', apiVersion: 'v1' });

    expect(await h.ok(['apply', '-f', '-'], v1)).to.equal('persistentvolumeclaim/applied unchanged\n');

    const v2 = manifests
      .pvc('applied', ns, '  annotations:\n    note: two\n')
      .replace('app: store', 'app: store\n    extra: yes-please');
    const r = await h.kubectl(['apply', '-f', '-'], v2);
    expect(r.stdout).to.equal('persistentvolumeclaim/applied configured\n');
    expect(r.stderr, 'kubectl computed the patch from our OpenAPI v3 without falling back').to.equal('');
    expect(await get(['pvc', 'applied'], '{.metadata.annotations.note} {.metadata.labels.extra}')).to.equal(
      'two yes-please',
    );

    // Removing a label from the manifest removes it from the object (three-way merge).
    const v3 = manifests.pvc('applied', ns, '  annotations:\n    note: two\n');
    expect(await h.ok(['apply', '-f', '-'], v3)).to.equal('persistentvolumeclaim/applied configured\n');
    expect(await get(['pvc', 'applied'], '{.metadata.labels}')).to.equal('{"app":"store"}');
  });

  it('apply -f of a pod merges containers and env by name (strategic merge patch)', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('pod-claim', ns));
    const affinity =
      'spec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: zone, operator: In, values: [a]}]\n';
    const pod = manifests
      .pod('web', ns, 'pod-claim')
      .replace('spec:\n', affinity)
      .replace(
        '      value: "1"\n',
        '      value: "1"\n    - name: POD\n      valueFrom:\n        fieldRef: {fieldPath: metadata.name}\n',
      );
    expect(await h.ok(['apply', '-f', '-'], pod)).to.equal('pod/web created\n');
    const changed = pod.replace('image: busybox', 'image: busybox:1.36').replace('app: web', 'app: web\n    rev: "2"');
    const r = await h.kubectl(['apply', '-f', '-'], changed);
    expect(r.stdout, r.stderr).to.equal('pod/web configured\n');
    expect(r.stderr, 'no fallback from the OpenAPI v3 patch metadata').to.equal('');
    expect(
      await get(
        ['pod', 'web'],
        '{.spec.containers[0].image} {.spec.containers[0].env[0].value} {.metadata.labels.rev}',
      ),
    ).to.equal('busybox:1.36 1 2');
  });

  it('patch --type merge, json and strategic', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('patched', ns, '  finalizers: [example.com/a, example.com/b]\n'));
    expect(
      await h.ok([
        'patch',
        'pvc',
        'patched',
        '-n',
        ns,
        '--type',
        'merge',
        '-p',
        '{"metadata":{"labels":{"m":"1","app":null}}}',
      ]),
    ).to.equal('persistentvolumeclaim/patched patched\n');
    await h.ok([
      'patch',
      'pvc',
      'patched',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/j","value":"2"}]',
    ]);
    await h.ok([
      'patch',
      'pvc',
      'patched',
      '-n',
      ns,
      '--type',
      'strategic',
      '-p',
      '{"metadata":{"finalizers":["example.com/c"],"$deleteFromPrimitiveList/finalizers":["example.com/a"]}}',
    ]);
    expect(await get(['pvc', 'patched'], '{.metadata.labels}')).to.equal('{"j":"2","m":"1"}');
    expect(await get(['pvc', 'patched'], '{.metadata.finalizers}')).to.equal('["example.com/b","example.com/c"]');
    const noop = await h.ok([
      'patch',
      'pvc',
      'patched',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"m":"1"}}}',
    ]);
    expect(noop).to.equal('persistentvolumeclaim/patched patched (no change)\n');
    await h.ok([
      'patch',
      'pvc',
      'patched',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
  });

  it('delete waits while a finalizer holds the object and returns once another process removes it', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('held', ns, '  finalizers: [example.com/hold]\n'));
    const del = h.spawn(['delete', 'pvc', 'held', '-n', ns, '--timeout=60s']);
    await waitFor(
      async () => (await get(['pvc', 'held'], '{.metadata.deletionTimestamp}')) !== '',
      15_000,
      'deletionTimestamp on pvc/held',
    );
    const row = await h.ok(['get', 'pvc', 'held', '-n', ns, '--no-headers']);
    expect(row).to.match(/^held\s+Terminating/);
    expect(del.running, 'kubectl delete is still waiting').to.equal(true);

    await h.ok([
      'patch',
      'pvc',
      'held',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    expect(await del.exited).to.equal(0);
    expect(del.lines.join('\n')).to.contain('persistentvolumeclaim "held" deleted');
    const gone = await h.kubectl(['get', 'pvc', 'held', '-n', ns]);
    expect(gone.stderr).to.contain('NotFound');
  });

  it('an invalid PVC manifest is refused with the validation message and nothing is created', async () => {
    const bad = manifests.pvc('invalid', ns).replace('[ReadWriteOnce]', '[ReadWriteSometimes]');
    const r = await h.kubectl(['create', '-f', '-'], bad);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/The PersistentVolumeClaim "invalid" is invalid: spec\.accessModes/);
    expect(r.stderr).to.contain('ReadWriteSometimes');
    expect((await h.kubectl(['get', 'pvc', 'invalid', '-n', ns])).stderr).to.contain('NotFound');
    const viaApply = await h.kubectl(['apply', '-f', '-'], bad);
    expect(viaApply.code).to.equal(1);
    expect(viaApply.stderr).to.contain('is invalid');
  });

  it('an unknown field fails under the default Strict validation and nothing is written', async () => {
    const unknown = manifests
      .pvc('unknown', ns)
      .replace('storageClassName: hostPath', 'storageClassName: hostPath\n  foo: bar');
    for (const verb of ['create', 'apply']) {
      const r = await h.kubectl([verb, '-f', '-'], unknown);
      expect(r.code, `${verb}: ${r.stderr}`).to.equal(1);
      expect(r.stderr).to.contain(
        'PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: strict decoding error: unknown field "spec.foo"',
      );
    }
    expect((await h.kubectl(['get', 'pvc', 'unknown', '-n', ns])).stderr).to.contain('NotFound');

    // An existing object: a strategic patch adding an unknown field is refused and changes nothing.
    const rv = await get(['pvc', 'created'], '{.metadata.resourceVersion}');
    const p = await h.kubectl([
      'patch',
      'pvc',
      'created',
      '-n',
      ns,
      '-p',
      '{"spec":{"bogus":1},"metadata":{"labels":{"x":"y"}}}',
    ]);
    expect(p.code).to.equal(1);
    expect(p.stderr).to.contain('unknown field "spec.bogus"');
    expect(await get(['pvc', 'created'], '{.metadata.resourceVersion}')).to.equal(rv);
  });

  it('duplicate JSON fields: 400 under Strict, a Warning header under Warn (raw HTTP, as kubectl never sends them)', async () => {
    const body = `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"dup","name":"dup"},"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"hostPath","resources":{"requests":{"storage":"1Gi"}}}}`;
    const post = (directive: string) =>
      h.request<{ message: string }>(
        'POST',
        `/api/v1/namespaces/${ns}/persistentvolumeclaims?fieldValidation=${directive}`,
        body,
      );
    const strict = await post('Strict');
    expect(strict.status).to.equal(400);
    expect(strict.body.message).to.contain('strict decoding error: duplicate field "metadata.name"');
    const warn = await post('Warn');
    expect(warn.status).to.equal(201);
    expect(warn.headers.warning).to.equal('299 - "duplicate field \\"metadata.name\\""');
  });

  it('--validate=warn prints the Warning header and keeps the object; --validate=ignore is silent', async () => {
    const unknown = manifests
      .pvc('warned', ns)
      .replace('storageClassName: hostPath', 'storageClassName: hostPath\n  foo: bar');
    const r = await h.kubectl(['create', '--validate=warn', '-f', '-'], unknown);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('Warning: unknown field "spec.foo"');
    const i = await h.kubectl(
      ['create', '--validate=ignore', '-f', '-'],
      unknown.replace('name: warned', 'name: ignored'),
    );
    expect(i.code).to.equal(0);
    expect(i.stderr).to.equal('');
  });
});
