/** Running test/e2e/streaming/py_stream.py (the Python client's exec and port-forward). */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The script's source (tsc does not copy it to dist/). */
export const pyStreamScript = path.resolve(__dirname, '../../../../test/e2e/streaming/py_stream.py');

/** A python3 that can import kubernetes (PATH's, else Debian's /usr/bin/python3), if any. */
export function findPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import kubernetes.stream'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}

/** Runs py_stream.py; resolves with its one JSON line. */
export function pyStream(python: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(python, [pyStreamScript, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`py_stream.py ${args.join(' ')}: ${err.message}\n${stderr.toString()}`));
      else resolve(JSON.parse(stdout.toString()) as Record<string, unknown>);
    });
  });
}
