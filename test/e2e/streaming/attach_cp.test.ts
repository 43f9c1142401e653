/**
 * kubectl attach, kubectl run -i/-it --rm and kubectl cp end to end (cp runs tar in the
 * container through exec, both ways): real kubectl 1.32, the secure apiserver, the kubelet and
 * Docker. Containers with `stdin`/`stdinOnce`/`tty` get Docker's OpenStdin/StdinOnce/Tty.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pod } from '../../../pkg/api/core/v1';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { claimObject, create, podObject, useKubeletCluster, waitLogs, waitReady } from '../kubelet/support';
import { underTerminal } from './terminal';

/** `pod` with its containers created with the given stdin/stdinOnce/tty fields. */
function interactive(pod: Pod, flags: { stdin?: boolean; stdinOnce?: boolean; tty?: boolean }): Pod {
  return { ...pod, spec: { ...pod.spec, containers: pod.spec.containers.map((ct) => ({ ...ct, ...flags })) } };
}

describe('e2e/streaming: kubectl attach and cp', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  before(async () => {
    await create(
      c,
      claimObject('cp-data'),
      podObject('cp-pod', { claim: 'cp-data', script: 'echo ready; sleep 3600' }),
      podObject('ticker', { script: 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done' }),
    );
    await waitReady(c, 'cp-pod');
    await waitReady(c, 'ticker');
    await waitLogs(c, ['cp-pod'], /^ready$/m);
  });

  it('attach streams the lines the pod prints from now on', async () => {
    const child = spawn('kubectl', [`--kubeconfig=${c.kubeconfig}`, 'attach', 'ticker']);
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      await waitFor(() => (out.match(/^tick-\d+$/gm) ?? []).length >= 3, 20_000, 'three ticks through attach');
      const ticks = (out.match(/^tick-(\d+)$/gm) ?? []).map((l) => Number(l.slice(5)));
      expect(
        ticks.slice(1).every((n, i) => n === (ticks[i] ?? -2) + 1),
        `consecutive: ${ticks.join(',')}`,
      ).to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('attach -it to a container without a TTY: kubectl says so and attaches without one', async () => {
    const t = underTerminal(c, 'attach -it ticker');
    try {
      await waitFor(
        () => t.out.includes('Unable to use a TTY - container main did not allocate one') && /tick-\d+/.test(t.out),
        20_000,
        () => `the TTY warning, then ticks; the terminal showed ${JSON.stringify(t.out.slice(-300))}`,
      );
    } finally {
      t.child.kill('SIGKILL');
    }
  });

  it('cp a file into the pod and back out: the bytes are identical', async () => {
    const original = randomBytes(3 * 1024 * 1024 + 17);
    const local = path.join(c.dir, 'cp-in.bin');
    const back = path.join(c.dir, 'cp-out.bin');
    writeFileSync(local, original);
    await c.ok(['cp', local, 'cp-pod:/data/cp-in.bin']);
    const size = await c.ok(['exec', 'cp-pod', '--', 'sh', '-c', 'wc -c < /data/cp-in.bin']);
    expect(Number(size.trim())).to.equal(original.length);
    await c.ok(['cp', 'cp-pod:/data/cp-in.bin', back]);
    expect(readFileSync(back).equals(original)).to.equal(true);
  });

  it('run -i --rm --restart=Never with piped stdin: the command reads it all, then the pod is gone', async () => {
    const input = `${'piped line\n'.repeat(3000)}end`;
    const r = await c.kubectl(
      ['run', '-i', '--rm', 'run-wc', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'wc -c'],
      input,
    );
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^${Buffer.byteLength(input)}$`, 'm'));
    await waitFor(
      async () => (await c.kubectl(['get', 'pod', 'run-wc'])).stderr.includes('NotFound'),
      30_000,
      'pod run-wc to be deleted by --rm',
    );
    // The container's exit code is kubectl's (kubectl reads it from the pod's status).
    const failed = await c.kubectl(
      [
        'run',
        '-i',
        '--rm',
        'run-exit',
        '--image=busybox',
        '--restart=Never',
        '--',
        'sh',
        '-c',
        'read l; echo "$l"; exit 3',
      ],
      'bye\n',
    );
    expect(failed.code, failed.stderr).to.equal(3);
    expect(failed.stdout).to.match(/^bye$/m);
  });

  it('attach -i to a pod with stdin: true: what is typed reaches its main process', async () => {
    await create(
      c,
      interactive(podObject('reader', { script: 'while read l; do echo "got $l"; done' }), { stdin: true }),
    );
    await waitReady(c, 'reader');
    const child = spawn('kubectl', [`--kubeconfig=${c.kubeconfig}`, 'attach', '-i', 'reader'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      // The pipe holds what is written until kubectl is attached and copies it; nothing is lost.
      child.stdin.write('hello\n');
      await waitFor(
        () => /^got hello$/m.test(out),
        30_000,
        () => `"got hello"; attach printed ${JSON.stringify(out)}`,
      );
      child.stdin.write('again\n');
      await waitFor(
        () => /^got again$/m.test(out),
        30_000,
        () => `"got again"; attach printed ${JSON.stringify(out)}`,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('run -it --rm under a pseudo-terminal: a shell with the terminal size; exit ends it and deletes the pod', async () => {
    const t = underTerminal(c, 'run -it --rm run-shell --image=busybox --restart=Never -- sh');
    try {
      await t.ask('stty size; echo tty-$((6*7))', /33 91[\s\S]*tty-42/, 'the shell through attach -it');
      t.child.stdin.write('exit 0\n');
      expect(await t.exited).to.equal(0);
    } finally {
      t.child.kill('SIGKILL');
    }
    await waitFor(
      async () => (await c.kubectl(['get', 'pod', 'run-shell'])).stderr.includes('NotFound'),
      30_000,
      'pod run-shell to be deleted by --rm',
    );
  });

  it('attach -it to a tty pod: its shell answers; after a detach the same shell answers again', async () => {
    await create(c, interactive(podObject('tty-shell', { script: 'exec sh' }), { stdin: true, tty: true }));
    await waitReady(c, 'tty-shell');
    const rounds: [string, RegExp][] = [
      // The variable set in the first session shows in the second: the same shell, still running.
      ['M=kept-$((6*9)); stty size; echo "first $M"', /33 91[\s\S]*first kept-54/],
      ['echo "second $M"', /second kept-54/],
    ];
    for (const [line, answer] of rounds) {
      const t = underTerminal(c, 'attach -it tty-shell');
      try {
        await t.ask(line, answer, `attach -it answering ${String(answer)}`);
      } finally {
        t.child.kill('SIGKILL');
      }
      await t.exited;
    }
    expect(
      await c.ok(['get', 'pod', 'tty-shell', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']),
    ).to.equal('0');
  });

  it("logs of a tty pod: the terminal's raw output, even bytes that look like Docker's framing", async () => {
    // \001\0\0\0 + a length is a Docker frame header; a TTY container's logs are not framed.
    const script = "printf '\\001\\000\\000\\000\\000\\000\\000\\002hi\\n'; echo tty-log-line; sleep 3600";
    await create(c, interactive(podObject('tty-logs', { script }), { stdin: true, tty: true }));
    await waitReady(c, 'tty-logs');
    const out = await waitLogs(c, ['tty-logs'], /tty-log-line/);
    expect(out.startsWith('\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002hi\r\n'), JSON.stringify(out)).to.equal(
      true,
    );
    expect(out).to.contain('tty-log-line\r\n');
  });
});
