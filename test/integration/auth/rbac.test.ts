/**
 * RBAC on a real etcd over real TLS: the default roles and bindings exist after start;
 * RoleBindings grant in their namespace only, ClusterRoleBindings everywhere; resourceNames,
 * subresources and groups narrow or widen a grant; nobody grants what they do not hold
 * (unless allowed bind / escalate); anonymous may read only the public health and version paths.
 * Objects are set up through the plain test port (the superuser), then used over TLS.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const user = (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

function claim(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'hostPath' },
  };
}

describe('RBAC', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  /** A write through the plain port; RBAC objects are awaited in the watch cache the authorizer reads. */
  const plain = async (method: string, path: string, body?: unknown) => {
    const res = await request(s.api.url, method, path, body);
    const m = /\/apis\/rbac\.authorization\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?([a-z]+)/.exec(path);
    const meta = (res.body as { metadata?: { name?: string; resourceVersion?: string } }).metadata;
    if (m && method !== 'GET' && res.status < 300 && meta?.name) {
      const store = s.api.server.store('rbac.authorization.k8s.io', m[2] ?? '');
      await waitFor(
        () =>
          store.cache.getCached(store.key(m[1], meta.name ?? ''))?.metadata.resourceVersion === meta.resourceVersion,
      );
    }
    return res;
  };

  async function bind(
    ns: string,
    name: string,
    roleKind: 'Role' | 'ClusterRole',
    role: string,
    subjects: unknown[],
  ): Promise<void> {
    const res = await plain('POST', `${rbac}/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
      subjects,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  }

  async function role(ns: string, name: string, rules: unknown[]): Promise<void> {
    const res = await plain('POST', `${rbac}/namespaces/${ns}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name },
      rules,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  }

  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.Node, AuthorizationMode.RBAC] });
    for (const ns of ['team-a', 'team-b', 'team-c'])
      expect(
        (await plain('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))
          .status,
      ).to.equal(201);
    await bind('team-a', 'alice-edit', 'ClusterRole', 'edit', [user('alice')]);
    await bind('team-c', 'alice-admin', 'ClusterRole', 'admin', [user('alice')]);
  });
  after(() => s.stop());

  it('creates the default roles and bindings at start', async () => {
    const roles = await plain('GET', `${rbac}/clusterroles`);
    const names = (roles.body as { items: { metadata: { name: string } }[] }).items.map((r) => r.metadata.name);
    expect(names).to.include.members([
      'cluster-admin',
      'admin',
      'edit',
      'view',
      'system:kube-controller-manager',
      'system:basic-user',
      'system:discovery',
      'system:public-info-viewer',
    ]);
    const crb = await plain('GET', `${rbac}/clusterrolebindings/cluster-admin`);
    expect(crb.body).to.deep.include({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    });
    expect((crb.body as { subjects: unknown[] }).subjects).to.deep.equal([group('system:masters')]);
  });

  it('prints bindings as kubectl does: NAME ROLE AGE', async () => {
    const res = await request(s.api.url, 'GET', `${rbac}/namespaces/team-a/rolebindings`, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const table = res.body as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).to.deep.equal([
      'Name',
      'Role',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 2)).to.deep.equal(['alice-edit', 'ClusterRole/edit']);
    expect(table.rows[0]?.cells[3]).to.equal('alice');
  });

  it('refuses a user with no binding, word for word as Kubernetes', async () => {
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-x' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/x' } },
    };
    const res = await s.request(s.user('alice'), 'POST', '/api/v1/persistentvolumes', { body: pv });
    expect(res.status).to.equal(403);
    expect(res.body).to.include({
      message:
        'persistentvolumes is forbidden: User "alice" cannot create resource "persistentvolumes" in API group "" at the cluster scope',
    });
  });

  it('grants a RoleBinding in its namespace only', async () => {
    expect(
      (
        await s.request(s.user('alice'), 'POST', '/api/v1/namespaces/team-a/persistentvolumeclaims', {
          body: claim('c1'),
        })
      ).status,
    ).to.equal(201);
    expect(
      (await s.request(s.user('alice'), 'GET', '/api/v1/namespaces/team-a/persistentvolumeclaims')).status,
    ).to.equal(200);
    const other = await s.request(s.user('alice'), 'GET', '/api/v1/namespaces/team-b/persistentvolumeclaims');
    expect(other.status).to.equal(403);
    expect(other.body).to.include({
      message:
        'persistentvolumeclaims is forbidden: User "alice" cannot list resource "persistentvolumeclaims" in API group "" in the namespace "team-b"',
    });
    // A list across all namespaces needs a cluster-wide grant.
    expect((await s.request(s.user('alice'), 'GET', '/api/v1/persistentvolumeclaims')).status).to.equal(403);
    // edit may not write claim status (a controller's job) nor create storage classes.
    expect(
      (
        await s.request(s.user('alice'), 'PUT', '/api/v1/namespaces/team-a/persistentvolumeclaims/c1/status', {
          body: claim('c1'),
        })
      ).status,
    ).to.equal(403);
    expect(
      (
        await s.request(s.user('alice'), 'POST', '/apis/storage.k8s.io/v1/storageclasses', {
          body: { metadata: { name: 'x' }, provisioner: 'a.b/c' },
        })
      ).status,
    ).to.equal(403);
  });

  it('grants a ClusterRoleBinding in every namespace and to groups', async () => {
    const res = await plain('POST', `${rbac}/clusterrolebindings`, {
      metadata: { name: 'auditors-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [group('auditors')],
    });
    expect(res.status).to.equal(201);
    expect((await s.request(s.user('carol', ['auditors']), 'GET', '/api/v1/namespaces/team-b/pods')).status).to.equal(
      200,
    );
    expect((await s.request(s.user('carol', ['auditors']), 'GET', '/api/v1/pods')).status).to.equal(200);
    expect(
      (await s.request(s.user('carol', ['auditors']), 'DELETE', '/api/v1/namespaces/team-a/persistentvolumeclaims/c1'))
        .status,
    ).to.equal(403);
    expect((await s.request(s.user('carol'), 'GET', '/api/v1/pods')).status).to.equal(403);
  });

  it('narrows a rule to resourceNames and to a subresource', async () => {
    await role('team-b', 'one-claim', [
      { verbs: ['get'], apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['mine'] },
      { verbs: ['update'], apiGroups: [''], resources: ['persistentvolumeclaims/status'] },
    ]);
    await bind('team-b', 'dave-one-claim', 'Role', 'one-claim', [user('dave')]);
    for (const name of ['mine', 'theirs'])
      expect((await plain('POST', '/api/v1/namespaces/team-b/persistentvolumeclaims', claim(name))).status).to.equal(
        201,
      );
    expect(
      (await s.request(s.user('dave'), 'GET', '/api/v1/namespaces/team-b/persistentvolumeclaims/mine')).status,
    ).to.equal(200);
    expect(
      (await s.request(s.user('dave'), 'GET', '/api/v1/namespaces/team-b/persistentvolumeclaims/theirs')).status,
    ).to.equal(403);
    expect(
      (await s.request(s.user('dave'), 'GET', '/api/v1/namespaces/team-b/persistentvolumeclaims')).status,
    ).to.equal(403);
    const mine = (await plain('GET', '/api/v1/namespaces/team-b/persistentvolumeclaims/mine')).body as Record<
      string,
      unknown
    >;
    expect(
      (
        await s.request(s.user('dave'), 'PUT', '/api/v1/namespaces/team-b/persistentvolumeclaims/mine/status', {
          body: mine,
        })
      ).status,
    ).to.equal(200);
    expect(
      (await s.request(s.user('dave'), 'PUT', '/api/v1/namespaces/team-b/persistentvolumeclaims/mine', { body: mine }))
        .status,
    ).to.equal(403);
  });

  it('refuses to grant permissions the granter does not hold', async () => {
    // alice is admin in team-c: she may bind edit there (she holds all of it) …
    const edit = {
      metadata: { name: 'bob-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [user('bob')],
    };
    expect(
      (await s.request(s.user('alice'), 'POST', `${rbac}/namespaces/team-c/rolebindings`, { body: edit })).status,
    ).to.equal(201);
    // … but not cluster-admin, and not a Role reaching beyond what she holds.
    const admin = {
      metadata: { name: 'bob-root' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('bob')],
    };
    const refused = await s.request(s.user('alice'), 'POST', `${rbac}/namespaces/team-c/rolebindings`, { body: admin });
    expect(refused.status).to.equal(403);
    expect(String(refused.body.message)).to.match(
      /^rolebindings.rbac.authorization.k8s.io "bob-root" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/,
    );
    const pvRole = {
      metadata: { name: 'pv-maker' },
      rules: [{ verbs: ['create'], apiGroups: [''], resources: ['persistentvolumes'] }],
    };
    const role403 = await s.request(s.user('alice'), 'POST', `${rbac}/namespaces/team-c/roles`, { body: pvRole });
    expect(role403.status).to.equal(403);
    expect(String(role403.body.message)).to.include(
      '{APIGroups:[""], Resources:["persistentvolumes"], Verbs:["create"]}',
    );
    expect((await plain('GET', `${rbac}/namespaces/team-c/rolebindings/bob-root`)).status).to.equal(404);
    expect((await plain('GET', `${rbac}/namespaces/team-c/roles/pv-maker`)).status).to.equal(404);
    // A binding may not be turned into a grant of another role afterwards.
    const cur = (await plain('GET', `${rbac}/namespaces/team-c/rolebindings/bob-edit`)).body as Record<string, unknown>;
    const changed = await plain('PUT', `${rbac}/namespaces/team-c/rolebindings/bob-edit`, {
      ...cur,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    });
    expect(changed.status).to.equal(422);
    expect(String((changed.body as { message: string }).message)).to.include('cannot change roleRef');
  });

  it('lets bind and escalate stand in for holding the permissions', async () => {
    await role('team-c', 'granter', [
      {
        verbs: ['bind'],
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        resourceNames: ['cluster-admin'],
      },
      { verbs: ['escalate', 'create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
      { verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'] },
    ]);
    await bind('team-c', 'erin-granter', 'Role', 'granter', [user('erin')]);
    const admin = {
      metadata: { name: 'frank-root' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('frank')],
    };
    expect(
      (await s.request(s.user('erin'), 'POST', `${rbac}/namespaces/team-c/rolebindings`, { body: admin })).status,
    ).to.equal(201);
    const pvRole = {
      metadata: { name: 'pv-maker' },
      rules: [{ verbs: ['create'], apiGroups: [''], resources: ['persistentvolumes'] }],
    };
    expect(
      (await s.request(s.user('erin'), 'POST', `${rbac}/namespaces/team-c/roles`, { body: pvRole })).status,
    ).to.equal(201);
    // bind is per role name: another ClusterRole still needs its rules held.
    const view = {
      ...admin,
      metadata: { name: 'frank-kcm' },
      roleRef: { ...admin.roleRef, name: 'system:kube-controller-manager' },
    };
    expect(
      (await s.request(s.user('erin'), 'POST', `${rbac}/namespaces/team-c/rolebindings`, { body: view })).status,
    ).to.equal(403);
  });

  it('validates roles and bindings', async () => {
    const bad = await plain('POST', `${rbac}/namespaces/team-a/roles`, {
      metadata: { name: 'bad' },
      rules: [
        { verbs: [], apiGroups: [''], resources: [] },
        { verbs: ['get'], nonResourceURLs: ['/x'] },
      ],
    });
    expect(bad.status).to.equal(422);
    const msg = String((bad.body as { message: string }).message);
    expect(msg).to.include('rules[0].verbs: Required value');
    expect(msg).to.include('rules[0].resources: Required value');
    expect(msg).to.include('rules[1].nonResourceURLs: Invalid value');
    const crb = await plain('POST', `${rbac}/clusterrolebindings`, {
      metadata: { name: 'bad' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
      subjects: [{ kind: 'Robot', name: 'r' }],
    });
    expect(crb.status).to.equal(422);
    expect(String((crb.body as { message: string }).message)).to.include('roleRef.kind: Unsupported value: "Role"');
  });

  it('lets anonymous read only health and version', async () => {
    expect((await s.request(s.nobody, 'GET', '/healthz')).status).to.equal(200);
    expect((await s.request(s.nobody, 'GET', '/version')).status).to.equal(200);
    const api = await s.request(s.nobody, 'GET', '/api');
    expect(api.status).to.equal(403);
    expect(api.body).to.include({ message: 'forbidden: User "system:anonymous" cannot get path "/api"' });
    expect((await s.request(s.nobody, 'GET', '/api/v1/namespaces/team-a/pods')).status).to.equal(403);
    // Any authenticated user may discover the API and ask about themselves.
    expect((await s.request(s.user('zed'), 'GET', '/api')).status).to.equal(200);
    // OpenAPI is discovery too (system:discovery, authenticated only), v2 as v3.
    for (const p of ['/openapi/v2', '/openapi/v3']) {
      expect((await s.request(s.nobody, 'GET', p)).status, p).to.equal(403);
      expect((await s.request(s.user('zed'), 'GET', p)).status, p).to.equal(200);
    }
  });

  it('answers can-i and can-i --list from the bindings', async () => {
    const ssar = (namespace: string, verb: string, resource: string) =>
      s.request<{ status: { allowed: boolean; reason?: string } }>(
        s.user('alice'),
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { namespace, verb, resource } },
          },
        },
      );
    const yes = await ssar('team-a', 'create', 'pods');
    expect(yes.body.status.allowed).to.equal(true);
    expect(yes.body.status.reason).to.equal(
      'RBAC: allowed by RoleBinding "team-a/alice-edit" of ClusterRole "edit" to User "alice"',
    );
    expect((await ssar('team-b', 'create', 'pods')).body.status.allowed).to.equal(false);
    const rules = await s.request<{
      status: { resourceRules: { verbs: string[]; resources: string[] }[]; incomplete: boolean };
    }>(s.user('alice'), 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'team-a' } },
    });
    expect(rules.status).to.equal(201);
    expect(
      rules.body.status.resourceRules.some(
        (r) => r.resources.includes('persistentvolumeclaims') && r.verbs.includes('create'),
      ),
    ).to.equal(true);
    expect(rules.body.status.resourceRules.some((r) => r.resources.includes('persistentvolumes'))).to.equal(false);
  });
});
