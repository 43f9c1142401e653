import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describeFatal } from '../../../pkg/flags/flags';

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
