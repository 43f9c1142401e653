import { expect } from 'chai';
import {
  fieldRequirements,
  forbiddenError,
  requestAttributes,
} from '../../../../pkg/apiserver/authorization/request_attributes';
import { parseResourcePath } from '../../../../pkg/apiserver/request_info';

const alice = { username: 'alice', groups: ['system:authenticated'] };
const attrs = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  return requestAttributes(alice, method, u.pathname, u.searchParams);
};

describe('authorization request attributes', () => {
  it('parses resource requests as kube-apiserver does', () => {
    expect(attrs('GET', '/api/v1/namespaces/team-a/pods/p1/log')).to.include({
      resourceRequest: true,
      verb: 'get',
      apiGroup: '',
      apiVersion: 'v1',
      namespace: 'team-a',
      resource: 'pods',
      name: 'p1',
      subresource: 'log',
    });
    expect(attrs('GET', '/apis/storage.k8s.io/v1/storageclasses?watch=true')).to.include({
      verb: 'watch',
      apiGroup: 'storage.k8s.io',
      resource: 'storageclasses',
      namespace: '',
      name: '',
    });
    expect(attrs('DELETE', '/api/v1/namespaces/a/persistentvolumeclaims')).to.include({
      verb: 'deletecollection',
      namespace: 'a',
    });
    expect(attrs('PATCH', '/api/v1/nodes/n1/status')).to.include({
      verb: 'patch',
      resource: 'nodes',
      subresource: 'status',
      name: 'n1',
    });
    // As Kubernetes: what follows a proxy subresource is the proxied path, authorized as nodes/proxy.
    expect(attrs('GET', '/api/v1/nodes/n1/proxy/stats/summary')).to.include({
      verb: 'get',
      resource: 'nodes',
      subresource: 'proxy',
      name: 'n1',
    });
    expect(parseResourcePath('', 'v1', ['nodes', 'n1', 'proxy', 'stats', 'summary'], 'GET', false)?.proxyPath).to.equal(
      'stats/summary',
    );
    expect(() => parseResourcePath('', 'v1', ['nodes', 'n1', 'status', 'x'], 'GET', false)).to.throw(/unable to parse/);
  });

  it('treats a namespace as its own namespace and a metadata.name selector as the name', () => {
    expect(attrs('GET', '/api/v1/namespaces/team-a')).to.include({
      resource: 'namespaces',
      name: 'team-a',
      namespace: 'team-a',
    });
    expect(attrs('GET', '/api/v1/namespaces/a/pods?watch=1&fieldSelector=metadata.name%3Dp1')).to.include({
      verb: 'watch',
      name: 'p1',
    });
    expect(attrs('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1').fieldSelector).to.deep.equal({
      'spec.nodeName': 'n1',
    });
  });

  it('treats discovery and health paths as non-resource requests', () => {
    for (const p of [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/storage.k8s.io',
      '/apis/storage.k8s.io/v1',
      '/healthz',
      '/openapi/v3',
    ]) {
      expect(attrs('GET', p), p).to.include({ resourceRequest: false, verb: 'get', path: p });
    }
  });

  it('reads only equality requirements of a field selector, without a prototype', () => {
    const r = fieldRequirements('spec.nodeName==n1,status.phase!=Running,__proto__=x');
    expect(Object.getPrototypeOf(r)).to.equal(null);
    expect({ ...r }).to.deep.equal({ 'spec.nodeName': 'n1', ['__proto__']: 'x' });
  });

  it('words a refusal as Kubernetes', () => {
    expect(forbiddenError(attrs('GET', '/api/v1/namespaces/b/pods'), '').message).to.equal(
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "b"',
    );
    expect(forbiddenError(attrs('GET', '/version'), 'no').message).to.equal(
      'forbidden: User "alice" cannot get path "/version": no',
    );
    expect(
      forbiddenError(attrs('GET', '/apis/storage.k8s.io/v1/storageclasses/fast'), '').status.details,
    ).to.deep.include({ name: 'fast', group: 'storage.k8s.io', kind: 'storageclasses' });
  });
});
