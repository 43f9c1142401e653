/**
 * The Kubernetes Python client (Debian's python3-kubernetes, unmodified) against the
 * apiserver's secure port: test/e2e/clients/py_watch.py loads a TLS kubeconfig (the CA and an
 * admin client certificate) and runs
 * `watch.Watch().stream(CoreV1Api().list_namespaced_persistent_volume_claim, ...)`, printing
 * one JSON line per event. Checked: ADDED/MODIFIED/DELETED arrive as typed objects; the
 * server-side timeout ends the stream; a watch from a compacted resourceVersion gets the 410
 * ERROR object (code, reason, message) in the stream, as from kube-apiserver.
 *
 * Skipped (with the reason printed) when no python3 can `import kubernetes`.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import { ClientsPki, createNamespace, kube, pvc, pvcPath } from './support';

/** The script's source (tsc does not copy it to dist/). */
const script = path.resolve(__dirname, '../../../../test/e2e/clients/py_watch.py');

/**
 * A python3 that has the kubernetes package: `python3` on PATH, else Debian's /usr/bin/python3
 * (where python3-kubernetes installs it, when PATH's python3 is another interpreter, e.g. pyenv).
 */
function findPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}

/** One line printed by py_watch.py. */
interface PyLine {
  type: string;
  name?: string;
  resourceVersion?: string;
  objectType?: string;
  via?: string;
  events?: number;
  object?: { code?: number; reason?: string; message?: string };
}

/** A running py_watch.py. */
class PyWatch {
  readonly lines: PyLine[] = [];
  stderr = '';
  code: number | null | undefined;
  private readonly proc: ChildProcess;
  private buffered = '';

  constructor(python: string, args: string[]) {
    this.proc = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (chunk: Buffer) => {
      const parts = (this.buffered + chunk.toString('utf8')).split('\n');
      this.buffered = parts.pop() ?? '';
      for (const l of parts) if (l.trim()) this.lines.push(JSON.parse(l) as PyLine);
    });
    this.proc.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // 'close', not 'exit': the last lines may still be unread from stdout when the process exits.
    this.proc.on('close', (code) => (this.code = code));
  }

  /** Waits for the script to exit; returns its lines. */
  async done(timeoutMs: number): Promise<PyLine[]> {
    await waitFor(
      () => this.code !== undefined,
      timeoutMs,
      () => `py_watch.py to exit (stderr: ${this.stderr.slice(-2000)})`,
    );
    expect(this.code, `py_watch.py exit code (stderr: ${this.stderr.slice(-2000)})`).to.equal(0);
    return this.lines;
  }

  kill(): void {
    if (this.code === undefined) this.proc.kill('SIGTERM');
  }
}

describe('e2e: Kubernetes Python client watch', function () {
  this.timeout(60_000);

  let python: string | undefined;
  let api: TestApiServer;
  let pki: ClientsPki | undefined;
  let kubeconfig: string;
  const ns = 'py-watch';
  const procs: PyWatch[] = [];

  before(async function () {
    python = findPython();
    if (!python) {
      console.log(
        "    skipped: no python3 can 'import kubernetes' (install Debian's python3-kubernetes; hack/test.sh does)",
      );
      this.skip();
    }
    pki = new ClientsPki();
    api = await pki.start();
    kubeconfig = pki.kubeconfig(api.server.secureUrl);
    await createNamespace(api.url, ns);
  });

  afterEach(() => procs.splice(0).forEach((p) => p.kill()));

  after(async () => {
    await api?.stop();
    pki?.cleanup();
  });

  function run(resourceVersion: string, timeoutSeconds: number, maxEvents: number): PyWatch {
    const p = new PyWatch(python ?? 'python3', [
      kubeconfig,
      ns,
      resourceVersion,
      String(timeoutSeconds),
      String(maxEvents),
    ]);
    procs.push(p);
    return p;
  }

  const listRV = async (): Promise<string> => (await kube(api.url, 'GET', pvcPath(ns))).metadata.resourceVersion ?? '';

  it('watch.stream receives ADDED, MODIFIED and DELETED as V1PersistentVolumeClaim objects', async () => {
    const rv = await listRV();
    const w = run(rv, 30, 3);
    await kube(api.url, 'POST', pvcPath(ns), pvc('py-1'));
    await kube(
      api.url,
      'PATCH',
      pvcPath(ns, 'py-1'),
      { metadata: { labels: { step: 'patched' } } },
      'application/merge-patch+json',
    );
    await kube(api.url, 'DELETE', pvcPath(ns, 'py-1'));
    const lines = await w.done(30_000);

    expect(
      lines.map((l) => l.type),
      `events (an ERROR 410 here means etcd was compacted meanwhile by someone else: ${JSON.stringify(lines[0])})`,
    ).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED', 'END']);
    for (const l of lines.slice(0, 3)) {
      expect(l.name).to.equal('py-1');
      expect(l.objectType, 'deserialized into the typed model').to.equal('V1PersistentVolumeClaim');
    }
    const rvs = lines.slice(0, 3).map((l) => Number(l.resourceVersion));
    expect(rvs[0]).to.be.greaterThan(Number(rv));
    expect(rvs, 'resourceVersions increase').to.deep.equal([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).to.equal(3);
  });

  it('the server ends the stream after timeout_seconds (events before it still arrive)', async () => {
    const w = run(await listRV(), 2, 100);
    await kube(api.url, 'POST', pvcPath(ns), pvc('py-timeout'));
    const lines = await w.done(15_000);
    // The script stops only after 100 events or when the stream ends: the server ended it.
    expect(lines.map((l) => [l.type, l.name ?? l.events])).to.deep.equal([
      ['ADDED', 'py-timeout'],
      ['END', 1],
    ]);
  });

  it('from a compacted resourceVersion: an ERROR object with code 410, reason and message', async () => {
    const old = await listRV();
    await kube(api.url, 'POST', pvcPath(ns), pvc('py-compact-1'));
    await kube(api.url, 'POST', pvcPath(ns), pvc('py-compact-2'));
    await api.etcd.compact(await api.etcd.currentRevision());
    const w = run(old, 10, 100);
    const lines = await w.done(30_000);

    expect(lines.map((l) => l.type)).to.deep.equal(['ERROR', 'END']);
    const err = lines[0];
    expect(err?.via, 'an ERROR event in a 200 stream, as kube-apiserver sends it (not an HTTP 410)').to.equal('stream');
    expect(err?.object?.code).to.equal(410);
    expect(err?.object?.reason).to.equal('Expired');
    expect(err?.object?.message).to.match(/too old resource version/);
  });
});
