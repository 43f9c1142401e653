import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describeFatal, formatDuration, parseFlags, usage, type FlagSpec } from '../../../pkg/flags/flags';

const flagsModule = path.resolve(__dirname, '../../../pkg/flags/flags.js');

/** Runs a tiny main built with runMain whose `run` body is `body`; resolves with its exit code and stderr. */
function runMainWith(body: string): Promise<{ code: number; stderr: string }> {
  const script = `require(${JSON.stringify(flagsModule)}).runMain('demo', {}, async (_f, signal) => { ${body} });`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stderr });
    });
  });
}

describe('runMain process guard', () => {
  it('an uncaught exception from a callback exits 1 with one line naming it', async () => {
    const r = await runMainWith(
      `setTimeout(() => { throw new TypeError('boom in a callback'); }, 1); await new Promise(() => undefined);`,
    );
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^demo: fatal: TypeError: boom in a callback \(at /);
  });

  it('an unhandled rejection exits 1 with one line', async () => {
    const r = await runMainWith(
      `void Promise.reject(new Error('nobody waits for me')); await new Promise(() => undefined);`,
    );
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.deep.equal([r.stderr.trim()]);
    expect(r.stderr).to.match(/^demo: fatal: Error: nobody waits for me/);
  });

  it('a clean stop still exits 0', async () => {
    const r = await runMainWith(
      `setTimeout(() => process.kill(process.pid, 'SIGTERM'), 1); await new Promise((res) => signal.addEventListener('abort', res));`,
    );
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
  });

  it('describeFatal folds a multi-line message into one line and tolerates non-errors', () => {
    expect(describeFatal(new Error('a\nb'))).to.match(/^Error: a b \(at /);
    expect(describeFatal('str')).to.equal('non-error thrown: str');
  });
});

describe('duration flags in --help', () => {
  const rows: [number, string][] = [
    [0, '0s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [15_000, '15s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [5_430_250, '1h30m30.25s'],
  ];
  for (const [ms, text] of rows)
    it(`${ms} ms prints as ${text} and parses back`, () => {
      expect(formatDuration(ms)).to.equal(text);
      expect(parseFlags([`--d=${text}`], { d: { type: 'duration', default: 0, help: '' } })?.d).to.equal(ms);
    });

  it('usage prints a duration default as a duration and other defaults as before', () => {
    const specs: Record<string, FlagSpec> = {
      'sync-period': { type: 'duration', default: 60_000, help: 'How often.' },
      port: { type: 'int', default: 8080, help: 'Port.' },
      name: { type: 'string', default: 'x', help: 'Name.' },
    };
    const text = usage('demo', specs);
    expect(text).to.contain('How often. (default 1m0s)');
    expect(text).not.to.contain('60000');
    expect(text).to.contain('Port. (default 8080)');
    expect(text).to.contain('Name. (default "x")');
  });
});
