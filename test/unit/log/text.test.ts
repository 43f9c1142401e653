import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { formatTextLine } from '../../../pkg/log/text';

const loggerModule = path.resolve(__dirname, '../../../pkg/log/logger.js');

/** Runs a script logging through newLogger(...) in a child process; resolves with its stdout. */
function logWith(format: string, body: string): Promise<string> {
  const script = `const { newLogger } = require(${JSON.stringify(loggerModule)}); const log = newLogger('kubelet', 0, ${JSON.stringify(format)}); ${body}`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

describe('log text format', () => {
  it('turns a pino line into a klog-like line: severity, UTC stamp, component, quoted message, fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 11, 6, 21, 30, 5, 123),
      component: 'kubelet',
      logger: 'volumemanager',
      pod: 'default/p',
      attempt: 2,
      ok: false,
      err: { code: 'EIO' },
      msg: 'mount "failed"',
    });
    expect(formatTextLine(line)).to.equal(
      'W1206 21:30:05.123000 kubelet] "mount \\"failed\\"" logger="volumemanager" pod="default/p" attempt=2 ok=false err="{\\"code\\":\\"EIO\\"}"\n',
    );
  });

  it('maps levels to I/W/E/F and passes a line that is not a JSON object through', () => {
    const at = (level: number) => formatTextLine(JSON.stringify({ level, time: 0, component: 'c', msg: 'm' }))[0];
    expect([20, 30, 40, 50, 60].map(at)).to.deep.equal(['I', 'I', 'W', 'E', 'F']);
    expect(formatTextLine('not json')).to.equal('not json\n');
    expect(formatTextLine('[1]\n')).to.equal('[1]\n');
  });

  it('newLogger names the component once, in both formats, also in child loggers', async () => {
    const body = `log.child({ logger: 'volumestats' }).info({ pv: 'pv-1' }, 'measured');`;
    const json = (await logWith('json', body)).trim();
    expect(json.match(/"component":/g)).to.have.length(1);
    expect(JSON.parse(json)).to.include({ component: 'kubelet', logger: 'volumestats', pv: 'pv-1', msg: 'measured' });
    const text = (await logWith('text', body)).trim();
    expect(text).to.match(/^I\d{4} [\d:.]+ kubelet\] "measured" logger="volumestats" pv="pv-1"$/);
  });
});
