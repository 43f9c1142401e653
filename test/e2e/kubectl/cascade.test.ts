/**
 * `kubectl delete --cascade`, unmodified, with the garbage collector running in a
 * controller-manager authenticated as system:kube-controller-manager (so its RBAC rules are
 * what lets it work): background (the default) takes an owner's dependents with it,
 * `--cascade=orphan` keeps them and strips their ownerReferences, `--cascade=foreground` keeps
 * the owner — Terminating, with the foregroundDeletion finalizer, and kubectl waiting — until
 * its blocking dependents are gone. Owners and dependents are claims and an unscheduled pod,
 * which go at once when deleted (no kubelet runs here).
 */
import { expect } from 'chai';
import { Users } from '../../../pkg/apiserver/authentication/user';
import { run } from '../../../pkg/controller/manager/controller_manager';
import { silentLogger } from '../../../pkg/log/logger';
import { testDriverRegistry } from '../../helpers/volume_drivers';
import { waitFor } from '../../helpers/wait';
import { manifests, useKubectlHarness, type KubectlHarness } from './harness';

describe('kubectl e2e: delete --cascade with the garbage collector', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-cascade';
  const ac = new AbortController();
  let manager: Promise<void> | undefined;
  const jsonpath = (args: string[], path: string) => h.ok(['get', ...args, '-n', ns, '-o', `jsonpath=${path}`]);
  const uidOf = (kind: string, name: string) => jsonpath([kind, name], '{.metadata.uid}');
  const gone = async (kind: string, name: string) =>
    (await h.kubectl(['get', kind, name, '-n', ns])).stderr.includes('NotFound');

  /** A claim owned by the claim `owner` (uid `uid`), with extra metadata lines. */
  const dependentClaim = (name: string, owner: string, uid: string, block: boolean, extra = '') =>
    manifests.pvc(
      name,
      ns,
      `  ownerReferences:\n  - apiVersion: v1\n    kind: PersistentVolumeClaim\n    name: ${owner}\n    uid: ${uid}\n    blockOwnerDeletion: ${block}\n${extra}`,
    );

  /** An unscheduled pod owned by the claim `owner`. */
  const ownedPod = (name: string, owner: string, uid: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  ownerReferences:\n  - {apiVersion: v1, kind: PersistentVolumeClaim, name: ${owner}, uid: ${uid}}\nspec:\n  containers:\n  - {name: main, image: busybox}\n`;

  useKubectlHarness(
    ns,
    (harness) => (h = harness),
    async () => {
      manager = run(
        {
          client: h.clientConfig(Users.KubeControllerManager),
          controllers: 'garbagecollector',
          leaderElect: false,
          workers: 2,
          drivers: testDriverRegistry({ hostPath: { baseDir: `${h.dir}/volumes` } }),
          provisioningRecordDir: `${h.dir}/records`,
          bindAddress: '127.0.0.1',
          port: 0,
          logger: silentLogger(),
        },
        ac.signal,
      );
    },
  );
  after(async () => {
    ac.abort();
    await manager;
  });

  it('delete (background, the default) removes the owner’s dependents', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('bg-owner', ns));
    const uid = await uidOf('pvc', 'bg-owner');
    await h.ok(['create', '-f', '-'], dependentClaim('bg-dep', 'bg-owner', uid, false));
    await h.ok(['create', '-f', '-'], ownedPod('bg-pod', 'bg-owner', uid));
    expect(await h.ok(['delete', 'pvc', 'bg-owner', '-n', ns])).to.contain('persistentvolumeclaim "bg-owner" deleted');
    await waitFor(() => gone('pvc', 'bg-dep'), 30_000, 'pvc/bg-dep to be collected');
    await waitFor(() => gone('pod', 'bg-pod'), 30_000, 'pod/bg-pod to be collected');
  });

  it('--cascade=orphan deletes the owner and keeps its dependents, without the ownerReference', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('or-owner', ns));
    const uid = await uidOf('pvc', 'or-owner');
    await h.ok(['create', '-f', '-'], dependentClaim('or-dep', 'or-owner', uid, true));
    const depUid = await uidOf('pvc', 'or-dep');
    // Patching a pod's ownerReferences needs the collector's own RBAC rule (patch on every resource).
    await h.ok(['create', '-f', '-'], ownedPod('or-pod', 'or-owner', uid));
    // kubectl waits for the owner to be gone: the collector released its dependent and its finalizer.
    expect(await h.ok(['delete', 'pvc', 'or-owner', '-n', ns, '--cascade=orphan', '--timeout=60s'])).to.contain(
      'persistentvolumeclaim "or-owner" deleted',
    );
    expect(await gone('pvc', 'or-owner')).to.equal(true);
    expect(await uidOf('pvc', 'or-dep')).to.equal(depUid);
    expect(await jsonpath(['pvc', 'or-dep'], '{.metadata.ownerReferences}')).to.equal('');
    expect(await jsonpath(['pvc', 'or-dep'], '{.metadata.deletionTimestamp}')).to.equal('');
    expect(await jsonpath(['pod', 'or-pod'], '{.metadata.ownerReferences}')).to.equal('');
  });

  it('--cascade=foreground keeps the owner Terminating with foregroundDeletion until its dependents are gone', async () => {
    await h.ok(['create', '-f', '-'], manifests.pvc('fg-owner', ns));
    const uid = await uidOf('pvc', 'fg-owner');
    await h.ok(
      ['create', '-f', '-'],
      dependentClaim('fg-dep', 'fg-owner', uid, true, '  finalizers: [example.com/hold]\n'),
    );
    const del = h.spawn(['delete', 'pvc', 'fg-owner', '-n', ns, '--cascade=foreground', '--timeout=60s']);
    await waitFor(
      async () => (await jsonpath(['pvc', 'fg-dep'], '{.metadata.deletionTimestamp}')) !== '',
      30_000,
      'the collector to delete pvc/fg-dep',
    );
    expect(await jsonpath(['pvc', 'fg-owner'], '{.metadata.finalizers}')).to.equal('["foregroundDeletion"]');
    expect(await jsonpath(['pvc', 'fg-owner'], '{.metadata.deletionTimestamp}')).to.not.equal('');
    expect(await h.ok(['get', 'pvc', 'fg-owner', '-n', ns, '--no-headers'])).to.match(/^fg-owner\s+Terminating/);
    expect(del.running, 'kubectl delete is still waiting').to.equal(true);

    await h.ok([
      'patch',
      'pvc',
      'fg-dep',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    expect(await del.exited).to.equal(0);
    expect(del.lines.join('\n')).to.contain('persistentvolumeclaim "fg-owner" deleted');
    expect(await gone('pvc', 'fg-dep')).to.equal(true);
    expect(await gone('pvc', 'fg-owner')).to.equal(true);
  });
});
