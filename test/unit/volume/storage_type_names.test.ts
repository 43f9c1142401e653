/**
 * What a storage type is lives in pkg/volume/ only: no other source file (API types,
 * validation and the OpenAPI schema excepted) names a PV source field — `hostPath`, `nfs`,
 * `local`, `csi` — as a property of a spec, as a source object's key, or as a string. Adding a
 * storage type is then one folder under pkg/volume/ plus one line in pkg/volume/drivers.ts.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');
const sources = ['hostPath', 'nfs', 'local', 'csi'].join('|');
/** `spec.hostPath`, `spec?.nfs`, `{ hostPath: {`, `nfs?: …`, `'local'`. */
const patterns = [
  new RegExp(`\\bspec\\??\\.(${sources})\\b`),
  new RegExp(`\\b(${sources})\\??\\s*:\\s*[{A-Z]`),
  new RegExp(`['"\`](${sources})['"\`]`),
];
/** Where naming them is the point: the drivers, the API types and validation, the API schema, mount(8)'s fs types. */
const exempt = ['pkg/volume/', 'pkg/api/', 'pkg/apiserver/openapi/', 'pkg/util/mount/'];

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

/** `file:line: text` for each code line (comments skipped) matching a pattern. */
function offenders(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const code = line.trim();
    if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) return [];
    return patterns.some((p) => p.test(code)) ? [`${file}:${i + 1}: ${code}`] : [];
  });
}

describe('volume: only pkg/volume names a storage type', () => {
  it('the check catches each way of naming one', () => {
    for (const line of ['if (pv.spec.hostPath) x();', 'const s = { nfs: { server } };', "type X = 'local';"])
      expect(offenders('example.ts', line), line).to.have.length(1);
    expect(offenders('example.ts', ' * pv.spec.hostPath in a doc comment')).to.deep.equal([]);
  });

  it('no file outside pkg/volume (API types and validation excepted) names a PV source field', () => {
    const files = [...tsFiles('pkg'), ...tsFiles('cmd')].filter((f) => !exempt.some((e) => f.startsWith(e)));
    expect(files.length).to.be.greaterThan(100);
    const found = files.flatMap((f) => offenders(f, readFileSync(path.join(repo, f), 'utf8')));
    expect(found, found.join('\n')).to.deep.equal([]);
  });
});
