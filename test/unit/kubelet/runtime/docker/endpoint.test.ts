import { expect } from 'chai';
import { parseDockerEndpoint } from '../../../../../pkg/kubelet/runtime/docker/endpoint';

describe('runtime/docker: --docker-endpoint parsing', () => {
  const cases: [string, object][] = [
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['/run/docker.sock', { socketPath: '/run/docker.sock' }],
    ['tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375, protocol: 'http' }],
    ['tcp://docker.local', { host: 'docker.local', port: 2375, protocol: 'http' }],
    ['https://docker.local:2376', { host: 'docker.local', port: 2376, protocol: 'https' }],
    ['tcp://[::1]:2375', { host: '::1', port: 2375, protocol: 'http' }],
  ];
  for (const [endpoint, want] of cases) {
    it(`${endpoint} → ${JSON.stringify(want)}`, () => {
      expect(parseDockerEndpoint(endpoint)).to.deep.equal(want);
    });
  }

  for (const bad of ['', 'docker.sock', 'unix://relative.sock', 'ssh://host', 'tcp://host:2375/path', 'tcp://']) {
    it(`rejects ${JSON.stringify(bad)} with one clear line`, () => {
      expect(() => parseDockerEndpoint(bad)).to.throw(/invalid docker endpoint/);
    });
  }
});
