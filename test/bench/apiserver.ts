/**
 * Benchmark 1 — create throughput: PVC creates through the apiserver (HTTP POST over a
 * keep-alive agent) vs raw etcd3 transactional creates (`if(key,'Create','==',0).then(put)`) of
 * the same serialized object (the exact bytes the apiserver stored for a probe claim, with the
 * name changed), at concurrency 1, 16 and 64, all in one run on one etcd.
 *
 * The apiserver is measured three times: as the built binary in a child process on its plain
 * --port test mode (the honest number: its CPU is not shared with the load generator; this is
 * the one in the summary); as a second child on its secure port, as a cluster runs it — TLS, an
 * x509 client certificate (user bench-user, no groups) and --authorization-mode=Node,RBAC, with
 * bench-user allowed by a RoleBinding to ClusterRole edit, so the request is authenticated and
 * RBAC is evaluated — to show what authentication and authorization cost; and in-process
 * (ApiServer from pkg/apiserver/server.ts, sharing the event loop with the client). For both
 * children the CPU time the apiserver process spent per create is reported too (/proc).
 *
 *   node dist/test/bench/apiserver.js        (ETCD_ENDPOINTS must point at a fresh etcd)
 * Every target is first warmed with BENCH_API_WARM creates (default 5000) at concurrency 16, so
 * that the numbers are steady state: V8 compiles the hot paths of the client, the etcd3 client
 * and the apiserver only after some thousand requests (with 300 warm-up creates the apiserver's
 * CPU per create measured ~60 % higher).
 * Env: BENCH_API_MAX_MS (time cap per measurement, default 6000), BENCH_API_COUNT (creates per
 * measurement at concurrency ≥ 16, default 5000; 1500 at concurrency 1), BENCH_API_WARM.
 */
import { Etcd3 } from 'etcd3';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { Groups } from '../../pkg/apiserver/authentication/user';
import { ApiServer } from '../../pkg/apiserver/server';
import { silentLogger } from '../../pkg/log/logger';
import { TestPki } from '../helpers/pki';
import { JsonClient, type ClientTls } from './lib/http';
import { pvc, pvcPath, seqName } from './lib/objects';
import {
  benchTempDir,
  etcdEndpoint,
  processCpuMs,
  removeTempDir,
  startApiServer,
  uniquePrefix,
  type ApiServerProc,
} from './lib/procs';
import { fmt, ms, perSec, printTable, recordResults, row, times } from './lib/table';
import { percentile, runPool, waitUntil } from './lib/stats';

const benchmark = 'apiserver create';
const levels = [1, 16, 64];
const maxMs = Number(process.env.BENCH_API_MAX_MS ?? 6000);
const bigCount = Number(process.env.BENCH_API_COUNT ?? 5000);
const warmCount = Number(process.env.BENCH_API_WARM ?? 5000);

interface Measurement {
  rate: number;
  p50: number;
  p99: number;
  done: number;
  failed: number;
  /** CPU ms the measured server process spent per completed operation (child processes only). */
  cpuPerOp?: number;
}

/** Runs `count` ops at `concurrency`; with `pid`, also the CPU that process spent per op. */
async function measure(
  concurrency: number,
  count: number,
  op: (i: number) => Promise<void>,
  pid?: number,
): Promise<Measurement> {
  const lat: number[] = [];
  const cpu0 = pid ? processCpuMs(pid) : 0;
  const r = await runPool(
    concurrency,
    count,
    async (i) => {
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    },
    maxMs,
  );
  if (r.failed > 0) process.stderr.write(`  ${r.failed} operations failed; first: ${String(r.firstError)}\n`);
  const cpu = pid ? { cpuPerOp: (processCpuMs(pid) - cpu0) / Math.max(r.done, 1) } : {};
  return {
    rate: (r.done / r.elapsedMs) * 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    done: r.done,
    failed: r.failed,
    ...cpu,
  };
}

const benchUser = 'bench-user';

/**
 * A second apiserver child on its secure port with Node,RBAC, and bench-user's TLS settings:
 * the admin (system:masters) binds bench-user to ClusterRole edit in default, and this waits
 * until RBAC's cache lets bench-user create claims there.
 */
async function startSecureApiServer(logDir: string): Promise<{ api: ApiServerProc; user: ClientTls }> {
  const pki = new TestPki(path.join(logDir, 'pki'));
  const serving = pki.serving('kube-apiserver');
  const tls = (pair: { cert: Buffer; key: Buffer }): ClientTls => ({ ca: pki.ca, cert: pair.cert, key: pair.key });
  const api = await startApiServer({
    logDir,
    prefix: uniquePrefix('api-tls'),
    name: 'kube-apiserver-tls',
    secure: {
      certFile: serving.certFile,
      keyFile: serving.keyFile,
      clientCAFile: pki.caFile,
      authorizationMode: 'Node,RBAC',
    },
  });
  const admin = new JsonClient(api.url, 1, tls(pki.client('admin', 'bench-admin', [Groups.Masters])));
  const user = tls(pki.client(benchUser, benchUser));
  const probe = new JsonClient(api.url, 1, user);
  try {
    await admin.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${benchUser}-edit` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: benchUser }],
    });
    let n = 0;
    await waitUntil(
      async () =>
        (await probe.raw('POST', pvcPath('default'), pvc(`tls-probe-${n++}`, { storageClassName: 'bench' }))).status ===
        201,
      10_000,
      `${benchUser} may create claims`,
      20,
    );
  } finally {
    admin.close();
    probe.close();
  }
  return { api, user };
}

async function main(): Promise<void> {
  const logDir = benchTempDir('apiserver');
  const child = await startApiServer({ logDir, prefix: uniquePrefix('api') });
  const secure = await startSecureApiServer(logDir);
  const inproc = new ApiServer({
    etcdServers: [etcdEndpoint()],
    etcdPrefix: uniquePrefix('api-inproc'),
    bindAddress: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
  });
  await inproc.start();
  await inproc.waitReady();
  const etcd = new Etcd3({ hosts: etcdEndpoint() });
  const rawPrefix = `${uniquePrefix('raw')}/persistentvolumeclaims/default/`;

  try {
    // The exact bytes the apiserver stores for a claim: the raw baseline writes the same.
    const probeClient = new JsonClient(child.url, 1);
    await probeClient.create(pvcPath('default'), pvc('probe', { storageClassName: 'bench' }));
    probeClient.close();
    const stored = await etcd.get(`${child.prefix}/persistentvolumeclaims/default/probe`).buffer();
    if (!stored) throw new Error('probe claim not found in etcd');
    const template = JSON.parse(stored.toString('utf8')) as { metadata: { name: string; uid?: string } };
    const storedValue = (name: string): Buffer =>
      Buffer.from(JSON.stringify({ ...template, metadata: { ...template.metadata, name, uid: randomUUID() } }));

    const rawCreate = (tag: string) => {
      const n = Math.max(bigCount, warmCount, 1500) + 500;
      const keys = Array.from({ length: n }, (_, i) => seqName(`${tag}`, i));
      const values = keys.map((k) => storedValue(k));
      return async (i: number): Promise<void> => {
        const name = keys[i] ?? `${tag}-${i}`;
        const key = `${rawPrefix}${name}`;
        const res = await etcd
          .if(key, 'Create', '==', 0)
          .then(etcd.put(key).value(values[i] ?? storedValue(name)))
          .commit();
        if (!res.succeeded) throw new Error(`raw create of ${key}: key exists`);
      };
    };
    const apiCreate = (url: string, tag: string, concurrency: number, tls?: ClientTls) => {
      const client = new JsonClient(url, concurrency, tls);
      const bodies = Array.from({ length: Math.max(bigCount, warmCount, 1500) + 500 }, (_, i) =>
        JSON.stringify(pvc(seqName(tag, i), { storageClassName: 'bench' })),
      );
      return {
        client,
        op: async (i: number): Promise<void> => {
          const res = await client.raw('POST', pvcPath('default'), bodies[i] ?? '');
          if (res.status !== 201)
            throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
        },
      };
    };

    // Warm-up (JIT, connections, etcd) — not measured.
    process.stderr.write('warming up\n');
    await runPool(16, warmCount, rawCreate('warm'), 60_000);
    for (const [url, tag, tls] of [
      [child.url, 'warm-child', undefined],
      [secure.api.url, 'warm-tls', secure.user],
      [inproc.url, 'warm-inproc', undefined],
    ] as const) {
      const a = apiCreate(url, tag, 16, tls);
      await runPool(16, warmCount, a.op, 60_000);
      a.client.close();
    }

    const results: { c: number; raw: Measurement; child: Measurement; tls: Measurement; inproc: Measurement }[] = [];
    for (const c of levels) {
      const count = c === 1 ? 1500 : bigCount;
      process.stderr.write(`concurrency ${c}: raw etcd\n`);
      const raw = await measure(c, count, rawCreate(`raw-c${c}`));
      process.stderr.write(`concurrency ${c}: apiserver (child process)\n`);
      const a1 = apiCreate(child.url, `child-c${c}`, c);
      const childM = await measure(c, count, a1.op, child.component.pid);
      a1.client.close();
      process.stderr.write(`concurrency ${c}: apiserver over TLS, x509 client certificate, RBAC (child process)\n`);
      const a3 = apiCreate(secure.api.url, `tls-c${c}`, c, secure.user);
      const tlsM = await measure(c, count, a3.op, secure.api.component.pid);
      a3.client.close();
      process.stderr.write(`concurrency ${c}: apiserver (in-process)\n`);
      const a2 = apiCreate(inproc.url, `inproc-c${c}`, c);
      const inprocM = await measure(c, count, a2.op);
      a2.client.close();
      results.push({ c, raw, child: childM, tls: tlsM, inproc: inprocM });
    }

    printTable(
      'Benchmark 1: create throughput, apiserver vs raw etcd3 txn (PVC, same stored bytes)',
      [
        'concurrency',
        'raw etcd',
        'apiserver (child, plain HTTP)',
        'ratio',
        'apiserver (child, TLS + x509 + RBAC)',
        'vs plain',
        'apiserver (in-process)',
        'ratio',
        'raw p50 / p99',
        'plain p50 / p99',
        'TLS p50 / p99',
        'apiserver CPU per create: plain / TLS',
      ],
      results.map((r) => [
        String(r.c),
        perSec(r.raw.rate),
        perSec(r.child.rate),
        times(r.child.rate / r.raw.rate),
        perSec(r.tls.rate),
        times(r.tls.rate / r.child.rate),
        perSec(r.inproc.rate),
        times(r.inproc.rate / r.raw.rate),
        `${ms(r.raw.p50)} / ${ms(r.raw.p99)}`,
        `${ms(r.child.p50)} / ${ms(r.child.p99)}`,
        `${ms(r.tls.p50)} / ${ms(r.tls.p99)}`,
        `${ms(r.child.cpuPerOp ?? NaN)} / ${ms(r.tls.cpuPerOp ?? NaN)}`,
      ]),
      [
        `each cell: up to ${fmt(bigCount)} creates (1,500 at concurrency 1), capped at ${fmt(maxMs)} ms; rate = completed ÷ elapsed`,
        'summary uses the child-process apiserver (its own process, like production); in-process shares one event loop with the load generator',
        `TLS + x509 + RBAC: a second child on its secure port (--authorization-mode=Node,RBAC, no audit log), keep-alive TLS connections, user ${benchUser} (no groups) allowed by a RoleBinding to ClusterRole edit: each create is authenticated by its certificate and authorized by RBAC`,
        'CPU per create: user + system time of the apiserver process over the measurement ÷ creates (/proc, 10 ms ticks)',
        `stored object: ${stored.length} bytes`,
      ],
    );
    recordResults([
      ...results.map((r) =>
        row({
          benchmark,
          figure: `creates/s at concurrency ${r.c} (apiserver child process vs raw etcd3 txn)`,
          value: r.child.rate,
          baseline: r.raw.rate,
          format: (n) => perSec(n),
          ...(r.c === 16 ? { target: { text: '≥ 0.6× raw etcd', met: r.child.rate / r.raw.rate >= 0.6 } } : {}),
        }),
      ),
      ...results.map((r) =>
        row({
          benchmark,
          figure: `creates/s at concurrency ${r.c} over TLS + x509 client cert + RBAC (vs plain HTTP; both child process)`,
          value: r.tls.rate,
          baseline: r.child.rate,
          format: (n) => perSec(n),
        }),
      ),
      ...results
        .filter((r) => r.c === 16)
        .map((r) =>
          row({
            benchmark,
            figure: 'apiserver CPU per create at concurrency 16, TLS + x509 + RBAC (vs plain HTTP)',
            value: r.tls.cpuPerOp ?? NaN,
            baseline: r.child.cpuPerOp ?? NaN,
            format: (n) => ms(n),
          }),
        ),
    ]);
  } finally {
    etcd.close();
    await inproc.stop();
    await child.component.stop();
    await secure.api.component.stop();
    removeTempDir(logDir);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `apiserver benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
