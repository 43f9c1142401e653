/**
 * kubectl exec end to end: real kubectl 1.32 (WebSocket v5.channel.k8s.io) through the secure
 * apiserver (pods/exec, RBAC) to the kubelet's authenticated port and Docker exec.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import {
  claimObject,
  create,
  docker,
  nodeContainers,
  podObject,
  useKubeletCluster,
  waitCanI,
  waitLogs,
  waitReady,
} from '../kubelet/support';
import { underTerminal } from './terminal';

describe('e2e/streaming: kubectl exec', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  before(async () => {
    await create(
      c,
      claimObject('exec-data'),
      podObject('exec-pod', {
        claim: 'exec-data',
        script: 'echo hello > /data/written-by-pod && echo ready; sleep 3600',
      }),
    );
    await waitReady(c, 'exec-pod');
    await waitLogs(c, ['exec-pod'], /^ready$/m);
  });

  it('exec -- ls /data lists what the pod wrote', async () => {
    const out = await c.ok(['exec', 'exec-pod', '--', 'ls', '/data']);
    expect(out.split('\n')).to.include('written-by-pod');
  });

  it('exit codes: 0, 1 (false), 3, 126 (not executable / missing binary, with the message), 127 (sh: not found)', async () => {
    expect((await c.kubectl(['exec', 'exec-pod', '--', 'true'])).code).to.equal(0);
    expect((await c.kubectl(['exec', 'exec-pod', '--', 'false'])).code).to.equal(1);
    const three = await c.kubectl(['exec', 'exec-pod', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(three).to.include({ code: 3, stdout: 'out\n' });
    // kubectl adds its own line after the process's stderr.
    expect(three.stderr).to.equal('err\ncommand terminated with exit code 3\n');
    const missing = await c.kubectl(['exec', 'exec-pod', '--', 'no-such-binary']);
    expect(missing.code).to.be.oneOf([126, 127]);
    expect(missing.stdout + missing.stderr).to.match(/no-such-binary.*executable file not found/);
    const notFound = await c.kubectl(['exec', 'exec-pod', '--', 'sh', '-c', 'no-such-binary']);
    expect(notFound.code).to.equal(127);
    expect(notFound.stderr).to.match(/no-such-binary: not found/);
  });

  it('exec -i copies piped stdin to the process and closes it (the process sees EOF)', async () => {
    const input = `${'line of stdin\n'.repeat(2000)}last`;
    const out = await c.ok(['exec', '-i', 'exec-pod', '--', 'sh', '-c', 'wc -c; echo done'], input);
    expect(out).to.equal(`${Buffer.byteLength(input)}\ndone\n`);
  });

  it('exec -it under a pseudo-terminal: the shell sees the terminal size, then a resize', async () => {
    // script(1) gives kubectl a pty of 91x33. Once the test touches `flag`, a job in the same
    // session resizes that pty: the kernel sends kubectl SIGWINCH, kubectl sends the new size.
    const flag = path.join(c.dir, 'resize-now');
    const resizer = `(while [ ! -e ${flag} ]; do sleep 0.05; done; stty cols 120 rows 40 </dev/tty) &`;
    const t = underTerminal(c, 'exec -it exec-pod -- sh', resizer);
    try {
      await t.ask('stty size; echo size-$((6*7))', /33 91[\s\S]*size-42/, 'the first stty size');
      writeFileSync(flag, '');
      await t.ask('stty size; echo size-$((6*8))', /40 120[\s\S]*size-48/, 'the resized stty size');
      t.child.stdin.write('exit 0\n');
      expect(await t.exited).to.equal(0);
    } finally {
      t.child.kill('SIGKILL');
    }
  });

  it('bad input: a container that does not exist is 400; a pod that is not running is 400', async () => {
    const bad = await c.kubectl(['exec', 'exec-pod', '-c', 'nope', '--', 'true']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('container nope is not valid for pod exec-pod');
    const raw = await c.request(
      'POST',
      '/api/v1/namespaces/default/pods/exec-pod/exec?container=nope&command=true&stdout=true',
    );
    expect(raw.status).to.equal(400);

    await create(c, podObject('exec-done', { script: 'exit 0', restartPolicy: 'Never' }));
    await c.waitJsonpath(['get', 'pod', 'exec-done'], '{.status.phase}', 'Succeeded');
    const done = await c.request('POST', '/api/v1/namespaces/default/pods/exec-done/exec?command=true&stdout=true');
    expect(done.status).to.equal(400);
    expect(JSON.stringify(done.body)).to.contain(
      'cannot exec into a container in a completed pod; current phase is Succeeded',
    );
  });

  it('a client that goes away mid-stream leaves no process behind in the container', async () => {
    const child = spawn('kubectl', [
      `--kubeconfig=${c.kubeconfig}`,
      'exec',
      'exec-pod',
      '--',
      'sh',
      '-c',
      'echo started; exec sleep 4242',
    ]);
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const [main] = (await nodeContainers(c.nodeName)).filter((x) => x.pod === 'exec-pod');
    if (!main) throw new Error('no container for exec-pod');
    const sleeping = async () => (await docker(['exec', main.id, 'ps', '-o', 'args'])).includes('sleep 4242');
    await waitFor(() => out.includes('started'), 20_000, 'the exec to start');
    expect(await sleeping()).to.equal(true);
    child.kill('SIGKILL');
    await waitFor(async () => !(await sleeping()), 20_000, 'the exec process to be killed');
  });

  it('RBAC: pods/exec is authorized as create, also for the WebSocket GET; get or pods alone is not enough', async () => {
    const rbac = (name: string, rules: object[]) => [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'default' }, rules },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: 'default' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
      },
    ];
    const pods = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
    await create(
      c,
      ...rbac('exec-creator', [pods, { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]),
      ...rbac('exec-getter', [pods, { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]),
      ...rbac('pod-viewer', [pods]),
    );
    // Each user's Role and binding have reached the authorizer: a refusal below is the rules'.
    for (const who of ['exec-creator', 'exec-getter', 'pod-viewer'])
      await waitCanI(c, c.userKubeconfig(who), ['get', 'pods', '-n', 'default']);
    const as = (user: string) => c.kubectl(['exec', 'exec-pod', '--', 'echo', 'in'], undefined, c.userKubeconfig(user));
    expect(await as('exec-creator')).to.include({ code: 0, stdout: 'in\n' });
    for (const who of ['exec-getter', 'pod-viewer']) {
      const refused = await as(who);
      expect(refused.code, who).to.equal(1);
      expect(refused.stderr, who).to.contain(
        'cannot create resource "pods/exec" in API group "" in the namespace "default"',
      );
    }
  });
});
