/**
 * Leader election across processes: two built kube-controller-managers (node
 * dist/cmd/kube-controller-manager/main.js) on one in-process apiserver. The leader is
 * SIGKILLed (no release); the Lease must pass to the other within the lease duration plus
 * slack, and the new leader's controllers must act (pv-protection adds its finalizer).
 */
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Lease } from '../../../pkg/api/coordination/v1';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { isNotFound } from '../../../pkg/api/errors';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';

const main = join(__dirname, '..', '..', '..', 'cmd', 'kube-controller-manager', 'main.js');
const leaseMs = 3000;
const retryMs = 500;

interface Proc {
  child: ChildProcess;
  identity: string;
  output: string[];
  exited: Promise<void>;
}

function pv(name: string): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: `/tmp/kubestore-le-test/${name}` },
      storageClassName: 'hostPath',
    },
  };
}

describe('leader election: two kube-controller-manager processes', function () {
  this.timeout(45_000);
  let api: TestApiServer;
  let cs: Clientset;
  const procs: Proc[] = [];

  before(async function () {
    if (!existsSync(main)) this.skip(); // needs `npm run build`
    api = await startApiServer();
    cs = new Clientset({ server: api.url, qps: 0 });
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    cs?.close();
    await api?.stop();
  });

  function start(): Proc {
    const child = spawn(
      process.execPath,
      [
        main,
        `--master=${api.url}`,
        '--leader-elect=true',
        `--leader-elect-lease-duration=${leaseMs / 1000}s`,
        '--leader-elect-renew-deadline=2s',
        `--leader-elect-retry-period=${retryMs}ms`,
        '--port=0',
        '--controllers=pv-protection',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    const keep = (b: Buffer): void => {
      output.push(b.toString('utf8'));
      if (output.length > 200) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const p = { child, identity: `${hostname()}_${child.pid ?? 0}`, output, exited };
    procs.push(p);
    return p;
  }

  async function lease(): Promise<Lease | undefined> {
    try {
      return await cs.leases.get('kube-controller-manager', 'kube-system');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function hasFinalizer(name: string): Promise<boolean> {
    return ((await cs.persistentVolumes.get(name)).metadata.finalizers ?? []).includes('kubernetes.io/pv-protection');
  }

  it('SIGKILL of the leader: the other process takes the Lease within the lease duration (+ slack) and runs the controllers', async () => {
    const a = start();
    const b = start();
    const dump = (): string =>
      procs
        .map(
          (p) =>
            `--- ${p.identity} (exit ${String(p.child.exitCode ?? p.child.signalCode)}):\n${p.output.join('').slice(-2000)}`,
        )
        .join('\n');

    let holder = '';
    await waitFor(
      async () => {
        holder = (await lease())?.spec?.holderIdentity ?? '';
        return holder === a.identity || holder === b.identity;
      },
      20_000,
      'one of the processes to hold the Lease',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${dump()}`);
    });
    const leader = holder === a.identity ? a : b;
    const follower = leader === a ? b : a;

    // The leader's controllers act.
    await cs.persistentVolumes.create(pv('before-kill'));
    await waitFor(() => hasFinalizer('before-kill'), 30_000, 'the leader to add the pv-protection finalizer');

    // It keeps the lease while alive (renewals seen, holder unchanged).
    const renewals = new Set<string>();
    await waitFor(
      async () => {
        const l = await lease();
        expect(l?.spec?.holderIdentity).to.equal(leader.identity);
        renewals.add(l?.spec?.renewTime ?? '');
        return renewals.size >= 3;
      },
      30_000,
      'renewals by the leader',
    );
    const transitionsBefore = (await lease())?.spec?.leaseTransitions ?? 0;

    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    let takenAt = 0;
    await waitFor(
      async () => {
        const l = await lease();
        if (l?.spec?.holderIdentity !== follower.identity) return false;
        takenAt = Date.now();
        return true;
      },
      leaseMs * 3,
      'the follower to take the Lease',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${dump()}`);
    });
    // Takeover needs the lease to expire (≤ leaseMs after the last renewal, which preceded the
    // kill) plus one retry period; polling and process scheduling add a little.
    expect(takenAt - killedAt, 'takeover delay').to.be.lessThan(leaseMs + retryMs * 1.2 + 1500);
    expect((await lease())?.spec?.leaseTransitions).to.equal(transitionsBefore + 1);

    // The new leader's controllers act.
    await cs.persistentVolumes.create(pv('after-kill'));
    await waitFor(() => hasFinalizer('after-kill'), 30_000, 'the new leader to add the pv-protection finalizer');
    expect(follower.child.exitCode, 'the follower is still running').to.equal(null);
  });
});
