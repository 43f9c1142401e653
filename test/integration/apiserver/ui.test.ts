/**
 * The storage page's files on the plain-HTTP test port (no authentication there): served with
 * their types, a Content-Security-Policy allowing only their own script and style, and the
 * script never turning object data into markup. A proxy path the kubelet has no business
 * answering is a 404 before any kubelet is dialled.
 */
import { expect } from 'chai';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { request } from '../../helpers/http';

describe('apiserver: the storage page files', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(async () => api.stop());

  const files: [string, RegExp, RegExp][] = [
    ['/ui/storage', /^text\/html/, /<script src="\/ui\/storage.js" defer><\/script>/],
    ['/ui/storage.js', /^text\/javascript/, /textContent/],
    ['/ui/storage.css', /^text\/css/, /\.card/],
  ];
  for (const [path, type, body] of files)
    it(`GET ${path}: ${type.source}, CSP, nosniff`, async () => {
      const r = await request(api.url, 'GET', path);
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.match(type);
      expect(r.headers.get('content-security-policy')).to.match(
        /default-src 'none'; script-src 'self'; style-src 'self'/,
      );
      expect(r.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(r.text).to.match(body);
    });

  it('the script has no markup sink (innerHTML, outerHTML, insertAdjacentHTML, document.write, eval)', async () => {
    const js = (await request(api.url, 'GET', '/ui/storage.js')).text;
    expect(js).not.to.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it('nodes/proxy: only stats/summary and metrics, only GET', async () => {
    const other = await request(api.url, 'GET', '/api/v1/nodes/n1/proxy/containerLogs/default/p/c');
    expect(other.status).to.equal(404);
    const post = await request(api.url, 'POST', '/api/v1/nodes/n1/proxy/stats/summary', {});
    expect(post.status).to.equal(405);
    const missing = await request(api.url, 'GET', '/api/v1/nodes/n1/proxy/stats/summary');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.include({ reason: 'NotFound' });
  });
});
