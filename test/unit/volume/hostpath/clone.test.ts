/**
 * The hostPath controller half's clone (a claim whose dataSource is another claim): the source
 * PV's directory is copied only when this controller's provisioning record proves it made it; a
 * hand-made PV pointing at another tenant's directory (or a forged uid) is refused and nothing
 * is copied.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { MemoryProvisioningRecords } from '../../../../pkg/volume/dirs/provisioning_records';
import { ProvisioningError } from '../../../../pkg/volume/errors';
import { HostPathController } from '../../../../pkg/volume/hostpath/controller';
import { pvc, sc } from '../../controller/volume/persistentvolume/harness';

function pv(dir: string, uid: string): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-src', uid },
    spec: { hostPath: { path: dir } },
  };
}

describe('volume: hostPath clone trust', () => {
  let tmp: string;
  let base: string;
  let hp: HostPathController;
  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-hp-clone-'));
    base = path.join(tmp, 'volumes');
    mkdirSync(path.join(base, 'src'), { recursive: true });
    writeFileSync(path.join(base, 'src', 'mine'), 'mine');
    mkdirSync(path.join(base, 'victim'));
    writeFileSync(path.join(base, 'victim', 'secret'), 'theirs');
    const records = new MemoryProvisioningRecords();
    await records.put({
      pvName: 'pv-src',
      claimUid: 'cu',
      claim: 'default/src',
      type: 'hostPath',
      path: realpathSync(path.join(base, 'src')),
      pvUid: 'pv-uid',
    });
    hp = new HostPathController({ baseDir: base, allowedRoots: [], records });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const clone = (source: PersistentVolume, name: string) =>
    hp.createVolume({
      pvName: name,
      claim: pvc(name),
      storageClass: sc('hp', 'kubestore.io/hostpath'),
      contentSource: { volume: source },
    });

  it('clones a recorded volume', async () => {
    const made = await clone(pv(path.join(base, 'src'), 'pv-uid'), 'ok');
    expect(readdirSync(made.localPath)).to.deep.equal(['mine']);
  });

  it('refuses a hand-made PV at another directory under the root, and a forged uid', async () => {
    for (const [source, name] of [
      [pv(path.join(base, 'victim'), 'pv-uid'), 'steal-a'],
      [pv(path.join(base, 'src'), 'forged'), 'steal-b'],
    ] as const) {
      const err = await clone(source, name).then(
        () => expect.fail(`cloned ${source.spec.hostPath?.path ?? ''}`),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ProvisioningError);
    }
    for (const d of readdirSync(base).filter((d) => d.includes('steal')))
      expect(readdirSync(path.join(base, d)), `${d} got the victim's files`).to.deep.equal([]);
  });
});
