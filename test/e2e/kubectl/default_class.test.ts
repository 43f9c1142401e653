/**
 * Unmodified kubectl against the DefaultStorageClass admission plugin: a tutorial-style claim
 * without storageClassName gets the default class whether it is created, applied client-side or
 * applied server-side, and keeps it on re-apply; `storageClassName: ""` stays ""; `kubectl get
 * sc` marks the default.
 */
import { expect } from 'chai';
import { waitFor } from '../../helpers/wait';
import { manifests, useKubectlHarness, type KubectlHarness } from './harness';

describe('kubectl e2e: the default StorageClass', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-default-class';
  const classOf = (name: string) => h.ok(['get', 'pvc', name, '-n', ns, '-o', 'jsonpath={.spec.storageClassName}']);
  const classless = (name: string) => manifests.pvc(name, ns).replace('  storageClassName: hostPath\n', '');

  useKubectlHarness(ns, (harness) => (h = harness));

  it('create, apply and apply --server-side of a claim without storageClassName give it the default class', async () => {
    await h.ok(['apply', '-f', '-'], manifests.storageClass('standard'));
    expect(await h.ok(['get', 'sc', 'standard', '--no-headers'])).to.match(
      /^standard \(default\)\s+kubestore\.io\/hostpath/,
    );
    // DefaultStorageClass reads the apiserver's watch cache, which may trail the write (and the
    // etcd-served get above): wait until a cache-served list (resourceVersion=0) has the class.
    await waitFor(
      async () =>
        (
          await h.request<{ items?: { metadata: { name: string } }[] }>(
            'GET',
            '/apis/storage.k8s.io/v1/storageclasses?resourceVersion=0',
          )
        ).body.items?.some((c) => c.metadata.name === 'standard') === true,
      30_000,
      'standard in the watch cache',
    );
    await h.ok(['create', '-f', '-'], classless('created'));
    expect(await classOf('created')).to.equal('standard');
    await h.ok(['apply', '-f', '-'], classless('applied'));
    expect(await h.ok(['apply', '-f', '-'], classless('applied'))).to.equal(
      'persistentvolumeclaim/applied unchanged\n',
    );
    expect(await classOf('applied')).to.equal('standard');
    await h.ok(['apply', '--server-side', '-f', '-'], classless('ssa'));
    await h.ok(['apply', '--server-side', '-f', '-'], classless('ssa'));
    expect(await classOf('ssa')).to.equal('standard');
  });

  it('storageClassName: "" stays "" even with a default class', async () => {
    await h.ok(
      ['create', '-f', '-'],
      manifests.pvc('no-class', ns).replace('storageClassName: hostPath', 'storageClassName: ""'),
    );
    expect(await h.ok(['get', 'pvc', 'no-class', '-n', ns, '-o', 'json'])).to.match(/"storageClassName": ""/);
  });
});
