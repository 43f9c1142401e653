/**
 * The bootstrap policy across an apiserver restart on the same etcd data: a deleted
 * cluster-admin binding and a stripped autoupdate role are repaired, a role annotated
 * autoupdate=false is left as its owner made it, and a stored binding whose roleRef names a
 * missing role grants nothing and breaks nobody's authorization.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { uniquePrefix } from '../../helpers/etcd';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
type Role = { metadata: { annotations?: Record<string, string> }; rules?: unknown[] };

describe('RBAC bootstrap across a restart', function () {
  this.timeout(90_000);
  const etcdPrefix = uniquePrefix();
  const start = () =>
    SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC], config: { etcdPrefix } });
  let s: SecureTestServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  async function decides(srv: SecureTestServer): Promise<void> {
    await waitFor(
      async () =>
        (await srv.request(srv.user('root', ['system:masters']), 'GET', '/api/v1/namespaces/default/pods')).status ===
        200,
    );
    expect((await srv.request(srv.user('alice'), 'GET', '/api/v1/namespaces/default/pods')).status).to.equal(403);
    expect((await srv.request(srv.user('alice'), 'GET', '/version')).status).to.equal(200);
  }

  it('repairs what was deleted or stripped, leaves autoupdate=false alone, ignores dangling roleRefs', async () => {
    s = await start();
    const url = s.api.url;
    const dangling = await request(url, 'POST', `${rbac}/clusterrolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'dangling' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'no-such-role' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    });
    expect(dangling.status, JSON.stringify(dangling.body)).to.equal(201);
    await decides(s);
    expect((await request(url, 'DELETE', `${rbac}/clusterrolebindings/cluster-admin`)).status).to.equal(200);
    for (const [name, annotations] of [
      ['view', { 'rbac.authorization.kubernetes.io/autoupdate': 'false' }],
      ['edit', {}],
    ] as const) {
      const cur = (await request(url, 'GET', `${rbac}/clusterroles/${name}`)).body as Role;
      const put = await request(url, 'PUT', `${rbac}/clusterroles/${name}`, {
        ...cur,
        metadata: { ...cur.metadata, annotations },
        rules: [],
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
    }
    await s.stop();
    s = undefined;

    s = await start();
    const crb = await request(s.api.url, 'GET', `${rbac}/clusterrolebindings/cluster-admin`);
    expect(crb.status).to.equal(200);
    expect((crb.body as { subjects: { name: string }[] }).subjects.map((x) => x.name)).to.deep.equal([
      'system:masters',
    ]);
    const view = (await request(s.api.url, 'GET', `${rbac}/clusterroles/view`)).body as Role;
    expect(view.rules ?? []).to.deep.equal([]);
    expect(view.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate']).to.equal('false');
    const edit = (await request(s.api.url, 'GET', `${rbac}/clusterroles/edit`)).body as Role;
    expect(edit.rules ?? []).to.not.be.empty;
    expect((await request(s.api.url, 'GET', `${rbac}/clusterrolebindings/dangling`)).status).to.equal(200);
    await decides(s);
  });
});
