/**
 * The kubelet's volume handling end to end: real etcd, apiserver, controller-manager, kubelet
 * and dockerd, driven through the real kubectl; data is read back through `kubectl logs`.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import {
  claimHostDir,
  claimObject,
  create,
  docker,
  nodeContainers,
  podEvents,
  podObject,
  useKubeletCluster,
  waitEvent,
  waitLogs,
  waitReady,
} from './support';

describe('e2e/kubelet: pods with their claims mounted', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  it('persistence: a token written by a deleted pod is read back by a new pod on the same claim', async () => {
    const token = `token-${randomUUID()}`;
    await create(
      c,
      claimObject('persist'),
      podObject('persist-writer', {
        claim: 'persist',
        script: `echo ${token} > /data/token && echo wrote; sleep 3600`,
      }),
    );
    const writerUid = await waitReady(c, 'persist-writer');
    await waitLogs(c, ['persist-writer'], /^wrote$/m);
    const dir = await claimHostDir(c, 'persist');
    expect(readFileSync(path.join(dir, 'token'), 'utf8').trim()).to.equal(token);

    // kubectl delete waits until the object is gone (the kubelet confirms after cleaning up).
    await c.ok(['delete', 'pod', 'persist-writer']);
    const gone = await c.kubectl(['get', 'pod', 'persist-writer']);
    expect(gone.code).to.not.equal(0);
    expect(gone.stderr).to.match(/NotFound|not found/);
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === writerUid)).to.deep.equal([]);

    await create(c, podObject('persist-reader', { claim: 'persist', script: 'cat /data/token; sleep 3600' }));
    await waitReady(c, 'persist-reader');
    expect((await waitLogs(c, ['persist-reader'], new RegExp(token))).trim()).to.equal(token);
  });

  it('two pods share one claim: one writes, the other (read-only) reads it', async () => {
    const token = `shared-${randomUUID()}`;
    await create(
      c,
      claimObject('shared', 'nfs', ['ReadWriteMany']),
      podObject('shared-writer', {
        claim: 'shared',
        mountPath: '/shared',
        script: `echo ${token} > /shared/message; sleep 3600`,
      }),
      podObject('shared-reader', {
        claim: 'shared',
        mountPath: '/shared',
        readOnly: true,
        script: 'until [ -f /shared/message ]; do sleep 0.2; done; cat /shared/message; sleep 3600',
      }),
    );
    await waitReady(c, 'shared-writer');
    await waitReady(c, 'shared-reader');
    expect((await waitLogs(c, ['shared-reader'], new RegExp(token))).trim()).to.equal(token);
    // Both bind the same directory; the reader read-only.
    const binds = async (pod: string): Promise<string[]> => {
      const ctr = (await nodeContainers(c.nodeName)).find((x) => x.pod === pod);
      if (!ctr) throw new Error(`no container for ${pod}`);
      return JSON.parse(await docker(['inspect', '-f', '{{json .HostConfig.Binds}}', ctr.id])) as string[];
    };
    const [w] = await binds('shared-writer');
    const [r] = await binds('shared-reader');
    expect(r).to.equal(`${w ?? ''}:ro`);
    expect(w).to.match(/:\/shared$/);
  });

  it('a read-only mount refuses writes (the container prints the error)', async () => {
    await create(
      c,
      claimObject('ro-claim'),
      podObject('ro-pod', {
        claim: 'ro-claim',
        readOnly: true,
        script:
          'if out=$(touch /data/probe 2>&1); then echo WRITE-SUCCEEDED; else echo "WRITE-REFUSED: $out"; fi; sleep 3600',
      }),
    );
    await waitReady(c, 'ro-pod');
    const logs = await waitLogs(c, ['ro-pod'], /WRITE-/);
    expect(logs).to.match(/WRITE-REFUSED: .*Read-only file system/);
    expect(existsSync(path.join(await claimHostDir(c, 'ro-claim'), 'probe'))).to.equal(false);
  });

  // The kubelet's own waiting is seen on pods placed on its node directly (spec.nodeName): the
  // scheduler keeps a pod with a missing or unbound claim off every node (see the last tests).
  it('a pod placed before its claim exists waits (FailedMount) and starts by itself once the claim binds', async () => {
    await create(
      c,
      podObject('early', {
        claim: 'late-claim',
        script: 'echo started-with-volume; sleep 3600',
        nodeName: c.nodeName,
      }),
    );
    await waitEvent(c, 'early', /^Warning FailedMount: .*persistentvolumeclaim "late-claim" not found/);
    await c.waitJsonpath(
      ['get', 'pod', 'early'],
      '{.status.containerStatuses[0].state.waiting.reason}',
      'ContainerCreating',
    );
    const uid = await c.ok(['get', 'pod', 'early', '-o', 'jsonpath={.metadata.uid}']);
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid)).to.deep.equal([]);

    await create(c, claimObject('late-claim'));
    expect(await waitReady(c, 'early')).to.equal(uid); // the same pod, no restart or re-creation
    await waitLogs(c, ['early'], /started-with-volume/);
    expect(await c.ok(['get', 'pod', 'early', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).to.equal(
      '0',
    );
  });

  it('a pod placed with a missing claim stays ContainerCreating (Pending) with a FailedMount event describe shows', async () => {
    await create(
      c,
      podObject('orphan', { claim: 'no-such-claim', script: 'echo should-not-run; sleep 3600', nodeName: c.nodeName }),
    );
    await waitEvent(c, 'orphan', /^Warning FailedMount: .*persistentvolumeclaim "no-such-claim" not found/);
    const described = await c.ok(['describe', 'pod', 'orphan']);
    expect(described).to.match(/Status:\s+Pending/);
    expect(described).to.match(/Warning\s+FailedMount\s+.*persistentvolumeclaim "no-such-claim" not found/);
    expect(described).to.match(/Reason:\s+ContainerCreating/);
    expect(await c.ok(['get', 'pod', 'orphan', '--no-headers'])).to.match(/^orphan\s+0\/1\s+ContainerCreating\s+0\s/);
    const uid = await c.ok(['get', 'pod', 'orphan', '-o', 'jsonpath={.metadata.uid}']);
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid)).to.deep.equal([]);
    // A pod that never started is still deleted promptly (the kubelet confirms it).
    await c.ok(['delete', 'pod', 'orphan']);
    expect((await c.kubectl(['get', 'pod', 'orphan'])).code).to.not.equal(0);
  });

  it('a pod placed with a claim that cannot bind waits with a FailedMount event saying it is not bound', async () => {
    await create(
      c,
      claimObject('unbindable', 'no-such-class'),
      podObject('unbound-user', { claim: 'unbindable', script: 'sleep 3600', nodeName: c.nodeName }),
    );
    await waitEvent(c, 'unbound-user', /^Warning FailedMount: .*persistentvolumeclaim "unbindable" is not bound/);
    expect(await c.ok(['get', 'pod', 'unbound-user', '-o', 'jsonpath={.status.phase}'])).to.equal('Pending');
  });

  it('the scheduler keeps a pod with a missing or unbound claim Pending, unplaced, with FailedScheduling', async () => {
    await create(
      c,
      claimObject('never-bound', 'no-such-class'),
      podObject('unplaced-missing', { claim: 'no-claim-here', script: 'sleep 3600' }),
      podObject('unplaced-unbound', { claim: 'never-bound', script: 'sleep 3600' }),
    );
    await waitEvent(
      c,
      'unplaced-missing',
      /^Warning FailedScheduling: 0\/\d+ nodes are available: persistentvolumeclaim "no-claim-here" not found\.$/,
    );
    await waitEvent(
      c,
      'unplaced-unbound',
      /^Warning FailedScheduling: 0\/\d+ nodes are available: pod has unbound immediate PersistentVolumeClaims\.$/,
    );
    for (const name of ['unplaced-missing', 'unplaced-unbound']) {
      expect(await c.ok(['get', 'pod', name, '-o', 'jsonpath={.spec.nodeName}'])).to.equal('');
      expect(await c.ok(['get', 'pod', name, '--no-headers'])).to.match(new RegExp(`^${name}\\s+0/1\\s+Pending\\s`));
    }
  });

  it('a pod whose claim is already bound starts without any FailedMount warning (mounting is not failing)', async () => {
    await create(c, claimObject('bound-first'));
    await c.waitJsonpath(['get', 'pvc', 'bound-first'], '{.status.phase}', 'Bound');
    await create(c, podObject('bound-user', { claim: 'bound-first', script: 'echo fine; sleep 3600' }));
    await waitReady(c, 'bound-user');
    await waitEvent(c, 'bound-user', /^Normal Started: /);
    expect((await podEvents(c, 'bound-user')).filter((l) => l.startsWith('Warning'))).to.deep.equal([]);
    // And no pod of this suite was ever told "waiting for volume … to be mounted" as a failure.
    const all = await c.ok([
      'get',
      'events',
      '--field-selector',
      'reason=FailedMount',
      '-o',
      'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
    ]);
    expect(all).to.not.match(/waiting for volume/);
  });
});
