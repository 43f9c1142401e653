/**
 * Property-based fuzzing of the apiserver (fast-check) on the real etcd: random objects and
 * patches of every type, random query strings, headers, URL paths and methods. Invariants of
 * every answer: 2xx or 4xx (the only 5xx allowed is kube-apiserver's 504 for a resourceVersion
 * ahead of etcd), within a bound; errors are `kind: Status` with the response's code;
 * Object.prototype and Array.prototype keep their keys; a 4xx wrote nothing (etcd key count and
 * revision, read straight from etcd); the server keeps serving.
 *
 * Seeded and bounded: FUZZ_SEED (default below) replays a run, FUZZ_RUNS sets runs per
 * property; each property also stops after its time budget.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';
import { prototypeKeys } from '../../helpers/prototypes';
import {
  bodyText,
  headersArb,
  kinds,
  patchArb,
  pathArb,
  protobufArb,
  queryArb,
  type FuzzRequest,
} from './fuzz_arbitraries';
import { etcdState, startInputTestServer, testFreshnessWaitMs, type InputTestServer } from './input_support';

const seed = Number(process.env.FUZZ_SEED ?? '1202');
const numRuns = Number(process.env.FUZZ_RUNS ?? '300');
/** Time budget of one property (ms); the whole file stays well under a minute. */
const budgetMs = Number(process.env.FUZZ_BUDGET_MS ?? '7000');
/** No answer within this is a hang. */
const answerBoundMs = 5000 + testFreshnessWaitMs;

type StatusBody = { kind?: string; code?: number; details?: { causes?: { reason?: string }[] } };

describe('apiserver fuzz (fast-check): answers are 2xx/4xx Statuses, prototypes stay clean, 4xx writes nothing', function () {
  this.timeout(60_000);
  let api: InputTestServer;
  let protoBefore: string[];
  let counts: Record<string, number>;

  before(async () => {
    api = await startInputTestServer();
    protoBefore = prototypeKeys();
    for (const k of kinds) {
      const res = await fetch(`${api.url}${k.path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(k.make('victim')),
      });
      expect(res.status, await res.text()).to.equal(201);
    }
  });
  beforeEach(() => {
    counts = {};
  });
  afterEach(function () {
    const summary = Object.entries(counts)
      .sort()
      .map(([c, n]) => `${c}:${n}`)
      .join(' ');
    console.log(`      ${this.currentTest?.title ?? ''}: ${summary}`);
  });
  after(async () => api.stop());

  /** Sends one request and checks every invariant. */
  async function check(req: FuzzRequest): Promise<void> {
    const before = await etcdState(api.etcd, api.prefix);
    const url = `${api.url}${req.path}`;
    // As the server reads it (boolParam): present and neither `0` nor `false` means a watch.
    const w = new URL(url).searchParams.get('watch');
    const isWatch = w !== null && w !== '0' && w.toLowerCase() !== 'false';
    let res: Response;
    let text = '';
    const signal = AbortSignal.timeout(answerBoundMs);
    try {
      res = await fetch(url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal,
        redirect: 'manual',
      });
      if (isWatch && res.status === 200) await res.body?.cancel();
      else text = await res.text();
    } catch (err) {
      throw new Error(
        `no complete answer within ${answerBoundMs} ms (${(err as Error).message}) to ${req.method} ${req.path}`,
      );
    }
    const code = res.status;
    counts[String(code)] = (counts[String(code)] ?? 0) + 1;
    const sent =
      typeof req.body === 'string' ? req.body.slice(0, 300) : req.body ? Buffer.from(req.body).toString('base64') : '';
    const what = `${req.method} ${req.path} ${JSON.stringify(req.headers)} ${sent} → ${code} ${text.slice(0, 300)}`;
    expect(prototypeKeys(), `prototypes changed by ${what}`).to.deep.equal(protoBefore);
    expect(({} as Record<string, unknown>).polluted, what).to.equal(undefined);
    let body: StatusBody | undefined;
    if (code >= 300 && req.method !== 'HEAD') {
      try {
        body = JSON.parse(text) as StatusBody;
      } catch {
        throw new Error(`error answer is not JSON: ${what}`);
      }
      expect(body.kind, `not a Status: ${what}`).to.equal('Status');
      expect(body.code, `Status code differs: ${what}`).to.equal(code);
    }
    const tooLargeRv =
      code === 504 && (body?.details?.causes ?? []).some((c) => c.reason === 'ResourceVersionTooLarge');
    expect((code >= 200 && code < 300) || (code >= 400 && code < 500) || tooLargeRv, `bad code: ${what}`).to.equal(
      true,
    );
    if (code >= 400)
      expect(await etcdState(api.etcd, api.prefix), `a ${code} wrote to etcd: ${what}`).to.deep.equal(before);
  }

  /** The server still serves reads and writes. */
  async function stillServing(): Promise<void> {
    expect((await fetch(`${api.url}/healthz`)).status).to.equal(200);
    const name = `alive-${Math.random().toString(36).slice(2, 8)}`;
    const path = kinds[0]?.path ?? '';
    const created = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(kinds[0]?.make(name)),
    });
    expect(created.status, await created.text()).to.equal(201);
    const patched = await fetch(`${api.url}${path}/${name}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"metadata":{"labels":{"still":"ok"}}}',
    });
    expect(patched.status, await patched.text()).to.equal(200);
  }

  async function run(name: string, offset: number, arb: fc.Arbitrary<FuzzRequest>): Promise<void> {
    const s = seed + offset;
    try {
      await fc.assert(
        fc.asyncProperty(arb, (req) => check(req)),
        { seed: s, numRuns, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false, endOnFailure: true },
      );
    } catch (err) {
      console.error(`fuzz property "${name}" failed: replay with FUZZ_SEED=${seed} (property seed ${s})`);
      throw err;
    }
    await stillServing();
  }

  const kindIndex = fc.integer({ min: 0, max: kinds.length - 1 });
  const nameArb = fc.constantFrom('victim', 'fresh', 'constructor', '__proto__', 'prototype', 'Bad_Name', '');

  it('POST and PUT of random objects of every kind (JSON, YAML, garbage, odd media types)', async () => {
    const arb = fc
      .tuple(kindIndex, nameArb, fc.boolean(), headersArb, queryArb, fc.nat(3))
      .chain(([k, name, put, headers, query, typeChoice]) =>
        bodyText(k, name).map((body): FuzzRequest => {
          const base = kinds[k]?.path ?? '';
          // Mostly JSON (so bodies reach decoding and validation), sometimes the random media type.
          const h =
            typeChoice < 3
              ? { ...headers, 'content-type': typeChoice === 2 ? 'application/yaml' : 'application/json' }
              : headers;
          return {
            method: put ? 'PUT' : 'POST',
            path: `${put ? `${base}/${name || 'victim'}` : base}${query}`,
            headers: h,
            body,
          };
        }),
      );
    await run('create/update', 0, arb);
  });

  it('POST of random protobuf bodies', async () => {
    const arb = fc.tuple(kindIndex, protobufArb, queryArb).map(
      ([k, body, query]): FuzzRequest => ({
        method: 'POST',
        path: `${kinds[k]?.path ?? ''}${query}`,
        headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
        body,
      }),
    );
    await run('protobuf', 5, arb);
  });

  it('PATCH of every type with random documents on existing objects', async () => {
    const arb = fc
      .tuple(kindIndex, fc.constantFrom('victim', 'victim', 'victim', 'missing'), queryArb, headersArb)
      .chain(([k, name, query, headers]) =>
        patchArb(k, name).map((p): FuzzRequest => {
          const sep = p.query ? '&' : '?';
          const q = query ? `${p.query}${p.query ? sep : '?'}${query.slice(1)}` : p.query;
          return {
            method: 'PATCH',
            path: `${kinds[k]?.path ?? ''}/${name}${q}`,
            headers: { ...headers, 'content-type': p.type },
            body: p.body,
          };
        }),
      );
    await run('patch', 1, arb);
  });

  it('GET list, get and watch with random query strings and headers', async () => {
    const arb = fc
      .tuple(kindIndex, fc.constantFrom('', '/victim', '/missing', '/victim/status'), queryArb, headersArb)
      .map(
        ([k, sub, query, headers]): FuzzRequest => ({
          method: 'GET',
          path: `${kinds[k]?.path ?? ''}${sub}${query}`,
          headers,
        }),
      );
    await run('read', 2, arb);
  });

  it('random URL paths and methods', async () => {
    const arb = fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        pathArb,
        queryArb,
        headersArb,
        fc.option(bodyText(0, 'victim'), { nil: undefined }),
      )
      .map(
        ([method, path, query, headers, body]): FuzzRequest => ({
          method,
          path: `${path}${query}`,
          headers,
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        }),
      );
    await run('paths', 3, arb);
  });

  it('DELETE of objects and collections with random options', async () => {
    const arb = fc
      .tuple(
        kindIndex,
        fc.constantFrom('/victim', '/missing', ''),
        queryArb,
        headersArb,
        fc.option(bodyText(0, 'victim'), { nil: undefined }),
        fc.boolean(),
      )
      .map(
        ([k, sub, query, headers, body, json]): FuzzRequest => ({
          method: 'DELETE',
          path: `${kinds[k]?.path ?? ''}${sub}${query}`,
          headers: json ? { ...headers, 'content-type': 'application/json' } : headers,
          ...(body !== undefined ? { body } : {}),
        }),
      );
    await run('delete', 4, arb);
  });
});
