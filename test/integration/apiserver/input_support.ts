/**
 * What the input-hardening tests share: an in-process apiserver with short body-read and
 * freshness deadlines (so bounded waits are quick to observe), a raw etcd3 client to count
 * keys and read the store revision, and Status assertions.
 */
import { expect } from 'chai';
import { Etcd3 } from 'etcd3';
import type { ApiServer } from '../../../pkg/apiserver/server';
import { startApiServer } from '../../helpers/apiserver';
import { etcdEndpoints } from '../../helpers/etcd';
import type { Response } from '../../helpers/http';

/** An apiserver under test plus a direct etcd client. */
export interface InputTestServer {
  server: ApiServer;
  url: string;
  prefix: string;
  etcd: Etcd3;
  stop(): Promise<void>;
}

/** Body-read deadline of the test server (ms). */
export const testBodyReadTimeoutMs = 400;
/** Freshness wait of the test server (ms). */
export const testFreshnessWaitMs = 300;

/** Starts an apiserver on a fresh prefix and waits until it is ready. */
export async function startInputTestServer(): Promise<InputTestServer> {
  const api = await startApiServer({
    config: { bodyReadTimeoutMs: testBodyReadTimeoutMs, freshnessWaitMs: testFreshnessWaitMs },
  });
  const etcd = new Etcd3({ hosts: etcdEndpoints() });
  return {
    server: api.server,
    url: api.url,
    prefix: api.prefix,
    etcd,
    stop: async () => {
      await api.stop();
      etcd.close();
    },
  };
}

/** The number of keys under a prefix and etcd's current revision, read straight from etcd. */
export async function etcdState(etcd: Etcd3, prefix: string): Promise<{ keys: number; revision: string }> {
  const res = await etcd.kv.range({
    key: Buffer.from(`${prefix}/`),
    range_end: Buffer.from(`${prefix}0`),
    count_only: true,
  });
  return { keys: Number(res.count), revision: res.header.revision };
}

/** Asserts an error response is a Status with the answer's code (and reason, when given). */
export function expectStatus(res: Response<unknown>, code: number, reason?: string): void {
  expect(res.status, res.text).to.equal(code);
  const body = res.body as { kind?: string; code?: number; reason?: string };
  expect(body.kind, res.text).to.equal('Status');
  expect(body.code).to.equal(code);
  if (reason) expect(body.reason).to.equal(reason);
}
