/**
 * The namespace controller reaches custom resources too (found through discovery, as
 * Kubernetes' namespace deleter does): deleting a namespace deletes its custom objects, and
 * another namespace's are left alone.
 */
import { expect } from 'chai';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { widget, widgetCrd } from '../apiextensions/fixtures';
import { type InProcessControllerManager, startControllerManager } from './helpers';

describe('namespace controller: custom resources in a deleted namespace', function () {
  this.timeout(60_000);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  const widgets = (ns: string, name = '') => `/apis/example.com/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, controllers: 'namespace' });
  });
  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
  });

  it('deletes the custom objects, then the namespace', async () => {
    expect(
      (await request(api.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd())).status,
    ).to.equal(201);
    await waitFor(
      async () => (await request(api.url, 'GET', widgets('default'))).status === 200,
      10_000,
      'widgets served',
    );
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cr-doomed' } });
    expect((await request(api.url, 'POST', widgets('cr-doomed'), widget('w', { size: 'small' }))).status).to.equal(201);
    expect((await request(api.url, 'POST', widgets('default'), widget('keep', { size: 'small' }))).status).to.equal(
      201,
    );
    await client.namespaces.delete('cr-doomed');
    await waitFor(
      async () => (await request(api.url, 'GET', '/api/v1/namespaces/cr-doomed')).status === 404,
      20_000,
      'namespace gone',
    );
    expect((await api.etcd.list(`${api.prefix}/example.com/widgets/cr-doomed/`)).items).to.have.length(0);
    expect((await request(api.url, 'GET', widgets('default', 'keep'))).status).to.equal(200);
  });
});
