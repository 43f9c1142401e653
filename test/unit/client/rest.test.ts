import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAlreadyExists, isConflict, isGone, isInvalid, isNotFound, StatusError } from '../../../pkg/api/errors';
import { type Status, StatusReason } from '../../../pkg/api/meta';
import { errorFromResponse, RestClient } from '../../../pkg/client/rest';

/** A canned answer of the fake server. */
interface Canned {
  code: number;
  body: string;
  contentType?: string;
}

function status(code: number, reason: StatusReason, message: string, details?: Status['details']): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    code,
    reason,
    message,
    ...(details ? { details } : {}),
  });
}

const predicates = { isNotFound, isAlreadyExists, isConflict, isGone, isInvalid };
type PredicateName = keyof typeof predicates;

/** Which predicates hold for an error (so each case checks the others are false too). */
function holding(err: unknown): PredicateName[] {
  return (Object.keys(predicates) as PredicateName[]).filter((k) => predicates[k](err));
}

describe('client: REST client errors', () => {
  let server: http.Server;
  let url: string;
  const answers = new Map<string, Canned>();
  const seen: { method: string; url: string; contentType?: string; body: string }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const a = answers.get(new URL(req.url ?? '/', 'http://x').pathname) ?? {
          code: 404,
          body: 'no such canned answer',
        };
        res.writeHead(a.code, { 'Content-Type': a.contentType ?? 'application/json' });
        res.end(a.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const statusCases: { name: string; code: number; reason: StatusReason; expect: PredicateName[] }[] = [
    { name: 'NotFound', code: 404, reason: StatusReason.NotFound, expect: ['isNotFound'] },
    { name: 'AlreadyExists', code: 409, reason: StatusReason.AlreadyExists, expect: ['isAlreadyExists'] },
    { name: 'Conflict', code: 409, reason: StatusReason.Conflict, expect: ['isConflict'] },
    { name: 'Expired', code: 410, reason: StatusReason.Expired, expect: ['isGone'] },
    { name: 'Gone', code: 410, reason: StatusReason.Gone, expect: ['isGone'] },
    { name: 'Invalid', code: 422, reason: StatusReason.Invalid, expect: ['isInvalid'] },
    { name: 'BadRequest', code: 400, reason: StatusReason.BadRequest, expect: [] },
    { name: 'InternalError', code: 500, reason: StatusReason.InternalError, expect: [] },
  ];

  for (const c of statusCases) {
    it(`a ${c.code} ${c.name} Status body becomes a StatusError with that code and reason; only ${c.expect.join(', ') || 'no predicate'} holds`, async () => {
      const details = {
        name: 'claim-1',
        kind: 'persistentvolumeclaims',
        causes: [{ field: 'spec.x', message: 'bad', reason: 'FieldValueInvalid' }],
      };
      answers.set(`/status/${c.name}`, {
        code: c.code,
        body: status(c.code, c.reason, `message of ${c.name}`, details),
      });
      const client = new RestClient({ server: url, qps: 0 });
      const err = await client.request('GET', `/status/${c.name}`).then(
        () => undefined,
        (e: unknown) => e,
      );
      client.close();
      expect(err).to.be.instanceOf(StatusError);
      const se = err as StatusError;
      expect(se.code).to.equal(c.code);
      expect(se.reason).to.equal(c.reason);
      expect(se.message).to.equal(`message of ${c.name}`);
      expect(se.status.details).to.deep.equal(details);
      expect(holding(err)).to.deep.equal(c.expect);
    });
  }

  it('the predicates are false for plain errors and non-errors', () => {
    for (const v of [new Error('not found'), 'NotFound', undefined, { reason: 'NotFound', code: 404 }])
      expect(holding(v)).to.deep.equal([]);
  });

  it('a non-JSON error body becomes a StatusError with the HTTP code and (a prefix of) the body in the message', async () => {
    answers.set('/html', { code: 502, body: `<html>Bad Gateway</html>${'x'.repeat(1000)}`, contentType: 'text/html' });
    const client = new RestClient({ server: url, qps: 0 });
    const err = await client.request('GET', '/html').catch((e: unknown) => e);
    client.close();
    expect(err).to.be.instanceOf(StatusError);
    const se = err as StatusError;
    expect(se.code).to.equal(502);
    expect(se.reason).to.equal(StatusReason.InternalError);
    expect(se.message).to.contain('502').and.to.contain('<html>Bad Gateway</html>');
    expect(se.message.length).to.be.lessThan(400);
  });

  it('without a Status body the reason still follows the HTTP code where a predicate depends on it', () => {
    expect(isNotFound(errorFromResponse(404, 'page not found'))).to.equal(true);
    expect(isConflict(errorFromResponse(409, ''))).to.equal(true);
    expect(isGone(errorFromResponse(410, 'gone'))).to.equal(true);
    expect(errorFromResponse(503, 'busy').reason).to.equal(StatusReason.InternalError);
    expect(errorFromResponse(418, 'teapot').reason).to.equal(StatusReason.Unknown);
  });

  it('JSON that is not a Status (or a Status without a numeric code) falls back to the HTTP code', () => {
    const a = errorFromResponse(404, '{"error":"nope"}');
    expect([a.code, a.reason]).to.deep.equal([404, StatusReason.NotFound]);
    const b = errorFromResponse(409, '{"kind":"Status","reason":"AlreadyExists"}');
    expect(b.code).to.equal(409);
  });

  it('a 2xx JSON body is decoded; an empty 2xx body is {}', async () => {
    answers.set('/ok', { code: 200, body: '{"kind":"Thing","n":1}' });
    answers.set('/empty', { code: 200, body: '' });
    const client = new RestClient({ server: url, qps: 0 });
    expect(await client.request('GET', '/ok')).to.deep.equal({ kind: 'Thing', n: 1 });
    expect(await client.request('DELETE', '/empty')).to.deep.equal({});
    client.close();
  });

  it('sends the body as JSON (or as given, with the given content type) and drops undefined query values', async () => {
    answers.set('/echo', { code: 200, body: '{}' });
    const client = new RestClient({ server: url, qps: 0 });
    seen.length = 0;
    await client.request('POST', '/echo', {
      body: { a: 1 },
      query: { dryRun: undefined, limit: 5, labelSelector: 'a=b,c in (d)' },
    });
    await client.request('PATCH', '/echo', { body: '{"b":2}', contentType: 'application/merge-patch+json' });
    client.close();
    expect(seen[0]).to.deep.include({ method: 'POST', contentType: 'application/json', body: '{"a":1}' });
    expect(seen[0]?.url).to.equal(`/echo?limit=5&labelSelector=${encodeURIComponent('a=b,c in (d)')}`);
    expect(seen[1]).to.deep.include({ method: 'PATCH', contentType: 'application/merge-patch+json', body: '{"b":2}' });
  });

  it('stream(): a non-2xx answer (e.g. a 410 to a watch) rejects with the decoded StatusError', async () => {
    answers.set('/watch-gone', {
      code: 410,
      body: status(410, StatusReason.Expired, 'too old resource version: 5 (100)'),
    });
    const client = new RestClient({ server: url, qps: 0 });
    const err = await client.stream('/watch-gone').catch((e: unknown) => e);
    client.close();
    expect(isGone(err)).to.equal(true);
    expect((err as StatusError).message).to.equal('too old resource version: 5 (100)');
  });

  it('a refused connection is a 503 ServiceUnavailable StatusError', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new RestClient({ server: `http://127.0.0.1:${port}`, qps: 0 });
    const err = await client.request('GET', '/x').catch((e: unknown) => e);
    client.close();
    expect(err).to.be.instanceOf(StatusError);
    expect((err as StatusError).code).to.equal(503);
    expect((err as StatusError).reason).to.equal(StatusReason.ServiceUnavailable);
  });
});
