/**
 * Removing the last finalizer of an object marked for deletion deletes it in ONE compare-and-
 * delete: when etcd fails at that moment the object keeps its finalizer (the client's retry
 * finishes the job) instead of staying marked, without finalizers, forever. Found by the chaos
 * run (kill -9 etcd while pvc-protection released a claim).
 */
import { expect } from 'chai';
import type { KubeObject } from '../../../pkg/api/meta';
import { StorageError, StorageErrorCode } from '../../../pkg/storage/errors';
import { EtcdStore } from '../../../pkg/storage/etcd/store';
import type { Preconditions } from '../../../pkg/storage/interfaces';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { etcdEndpoints } from '../../helpers/etcd';
import { request } from '../../helpers/http';

/** The real etcd store whose next delete fails as if etcd had just been killed. */
class FailingDeleteStore extends EtcdStore {
  failNextDelete = false;
  override async delete<T extends KubeObject>(
    key: string,
    pre?: Preconditions,
    validate?: (current: T) => void,
  ): Promise<T> {
    if (this.failNextDelete) {
      this.failNextDelete = false;
      throw new StorageError(StorageErrorCode.Unreachable, key, 'etcd: 14 UNAVAILABLE: Connection dropped');
    }
    return super.delete(key, pre, validate);
  }
}

describe('apiserver: releasing the last finalizer', () => {
  let api: TestApiServer;
  const store = new FailingDeleteStore({ endpoints: etcdEndpoints() });
  const path = '/api/v1/namespaces/default/persistentvolumeclaims';
  const claim = (name: string) => ({
    metadata: { name, finalizers: ['example.com/hold'] },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'none', resources: { requests: { storage: '1Mi' } } },
  });
  const release = (name: string) =>
    request(
      api.url,
      'PATCH',
      `${path}/${name}`,
      { metadata: { finalizers: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );

  before(async () => {
    api = await startApiServer({ storage: store });
  });
  after(async () => {
    await api.stop();
    await store.close();
  });

  it('deletes the object in the same step that removes the finalizer', async () => {
    expect((await request(api.url, 'POST', path, claim('ok'))).status).to.equal(201);
    expect((await request(api.url, 'DELETE', `${path}/ok`)).status).to.equal(200);
    const r = await release('ok');
    expect(r.status, r.text).to.equal(200);
    expect((await request(api.url, 'GET', `${path}/ok`)).status).to.equal(404);
  });

  it('when etcd fails during the release, the object keeps its finalizer and a retry deletes it', async () => {
    expect((await request(api.url, 'POST', path, claim('flaky'))).status).to.equal(201);
    expect((await request(api.url, 'DELETE', `${path}/flaky`)).status).to.equal(200);
    store.failNextDelete = true;
    const failed = await release('flaky');
    expect(failed.status, failed.text).to.equal(503);
    const stored = await store.get<KubeObject>(`${api.prefix}/persistentvolumeclaims/default/flaky`);
    expect(stored.metadata.finalizers).to.deep.equal(['example.com/hold']);
    expect(stored.metadata.deletionTimestamp).to.be.a('string');
    expect((await release('flaky')).status).to.equal(200);
    expect((await request(api.url, 'GET', `${path}/flaky`)).status).to.equal(404);
  });
});
