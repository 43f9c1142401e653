/**
 * The storage page in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * reached as a browser user reaches it: through `kubectl proxy` with the cluster admin's
 * kubeconfig, against the secure apiserver. A WaitForFirstConsumer claim created with kubectl
 * appears Pending, and turns Bound when a pod uses it, without a reload; the pod, its node and
 * the claim's usage (the kubelet's /stats/summary through nodes/proxy) appear; an annotation
 * carrying markup is shown as text. The screenshot is kept in $KUBESTORE_ARTIFACTS (default
 * test-artifacts/) as storage-page.png.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { claimObject, create, podObject, skipWithoutDocker, teardown, waitCanI, waitReady } from '../kubelet/support';

const chromiumPath = process.env.KUBESTORE_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = path.resolve(process.env.KUBESTORE_ARTIFACTS ?? 'test-artifacts');
const markup = '<img src=x onerror="document.title=\'pwned\'">';

/** `kubectl proxy` on a free port; resolves with its URL once it serves. */
function kubectlProxy(kubeconfig: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('kubectl', ['--kubeconfig', kubeconfig, 'proxy', '--port=0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: `http://${m[1] ?? ''}`, proc });
    });
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`kubectl proxy exited ${code}: ${out}`)));
  });
}

describe('e2e/ui: the storage page in headless Chromium', function () {
  this.timeout(150_000);
  let c: TestCluster | undefined;
  let failed = false;
  let proxy: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let base = '';

  before(async function () {
    skipWithoutDocker(this);
    if (!existsSync(chromiumPath)) {
      console.log(`    skipped: no Chromium at ${chromiumPath} (hack/test.sh installs Debian's chromium)`);
      this.skip();
    }
    c = new TestCluster({ kubelet: true, kubeletFlags: ['--volume-stats-agg-period=1s'] });
    await c.up();
    const p = await kubectlProxy(c.kubeconfig);
    proxy = p.proc;
    base = p.url;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    // bypassCSP: the test's own evaluated expressions are not the page's script; it also means
    // the markup check below tests the page's escaping, not the CSP that backs it up.
    page = await browser.newPage({ viewport: { width: 1400, height: 700 }, bypassCSP: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(async () => {
    await browser?.close();
    proxy?.kill('SIGTERM');
    await teardown(c, failed);
  });

  /** An attribute of the card of `kind` named `key` (null: no such card or attribute). Keys here are the test's own. */
  const cardAttr = async (kind: string, key: string, attr: string): Promise<string | null> => {
    const card = (page as Page).locator(`.card[data-kind="${kind}"][data-key="${key}"]`);
    if ((await card.count()) === 0) return null;
    // The card may go between count() and getAttribute(): gone is null too.
    return card
      .first()
      .getAttribute(attr, { timeout: 1000 })
      .catch(() => null);
  };

  it('a claim created with kubectl appears, turns Bound, shows its pod, node and usage, without a reload', async () => {
    const k = c as TestCluster;
    const pg = page as Page;
    const res = await pg.goto(`${base}/ui/storage`);
    expect(res?.status()).to.equal(200);
    expect(res?.headers()['content-security-policy']).to.contain("script-src 'self'");
    await pg.waitForFunction("document.getElementById('status').textContent === 'live'", undefined, {
      timeout: 30_000,
    });
    await pg.evaluate("window.marker = 'same page'");
    let loads = 0;
    pg.on('load', () => loads++);

    await k.ok(['apply', '-f', path.resolve('manifests/storageclass-wffc.yaml')]);
    const claim = claimObject('ui-claim', 'local-wffc');
    claim.metadata.annotations = { 'kubernetes.io/description': markup };
    await create(k, claim);
    await waitFor(
      async () => (await cardAttr('pvc', 'default/ui-claim', 'data-phase')) === 'Pending',
      20_000,
      'Pending card',
    );
    expect(await cardAttr('sc', 'local-wffc', 'data-key')).to.equal('local-wffc');

    await create(
      k,
      podObject('ui-writer', {
        claim: 'ui-claim',
        script: 'dd if=/dev/zero of=/data/blob bs=1048576 count=3; sleep 3600',
      }),
    );
    await waitFor(
      async () => (await cardAttr('pvc', 'default/ui-claim', 'data-phase')) === 'Bound',
      60_000,
      'Bound card',
    );
    await waitReady(k, 'ui-writer');
    await waitFor(
      async () => (await cardAttr('pod', 'default/ui-writer', 'data-phase')) === 'Running',
      30_000,
      'Running pod card',
    );
    expect(await cardAttr('node', k.nodeName, 'data-phase')).to.equal('Ready');
    const pv = await k.ok(['get', 'pvc', 'ui-claim', '-o', 'jsonpath={.spec.volumeName}']);
    expect(await cardAttr('pv', pv, 'data-phase')).to.equal('Bound');

    // Usage from the kubelet's summary, through nodes/proxy.
    await pg.waitForFunction(
      `Number(document.querySelector('.card[data-kind="pvc"] .usage')?.getAttribute('data-used-bytes')) >= ${3 * 1048576}`,
      undefined,
      { timeout: 30_000 },
    );
    // Edges drawn: SC→PV, PV→PVC, PVC→Pod, Pod→Node.
    expect(await pg.locator('#edges path').count()).to.be.at.least(4);

    // The annotation's markup is text, not an element; nothing ran.
    const card = pg.locator('.card[data-kind="pvc"]').filter({ hasText: 'ui-claim' });
    expect(await card.textContent()).to.contain(markup);
    expect(await card.locator('img').count()).to.equal(0);
    expect(await pg.title()).to.equal('kubestore: storage');

    expect(await pg.evaluate('window.marker')).to.equal('same page');
    expect(loads).to.equal(0);
    mkdirSync(artifacts, { recursive: true });
    await pg.screenshot({ path: path.join(artifacts, 'storage-page.png'), fullPage: true });

    await k.ok(['delete', 'pod', 'ui-writer', '--wait=false']);
    await waitFor(
      async () => (await cardAttr('pod', 'default/ui-writer', 'data-key')) === null,
      60_000,
      'pod card gone',
    );
  });

  it('a user who may not list a kind sees that said in its column, and only what they may see', async () => {
    const k = c as TestCluster;
    // carol may list claims in every namespace (a ClusterRole of her own), nothing else.
    await k.ok([
      'create',
      'clusterrole',
      'ui-claims-reader',
      '--verb=get,list,watch',
      '--resource=persistentvolumeclaims',
    ]);
    await k.ok(['create', 'clusterrolebinding', 'ui-carol', '--clusterrole=ui-claims-reader', '--user=ui-carol']);
    await waitCanI(k, k.userKubeconfig('ui-carol'), ['list', 'persistentvolumeclaims', '-A']);
    const p = await kubectlProxy(k.userKubeconfig('ui-carol'));
    const pg = await (browser as Browser).newPage({ bypassCSP: true });
    try {
      await pg.goto(`${p.url}/ui/storage`);
      await pg.waitForFunction("document.getElementById('status').textContent.startsWith('not watching')", undefined, {
        timeout: 30_000,
      });
      const status = (await pg.locator('#status').textContent()) ?? '';
      for (const kind of ['storageclasses', 'persistentvolumes', 'pods', 'nodes']) expect(status).to.contain(kind);
      expect(status).not.to.contain('persistentvolumeclaims');
      expect(await pg.locator('[data-column="nodes"] .note').textContent()).to.match(/^forbidden: .*nodes/);
      await pg.waitForSelector('.card[data-kind="pvc"][data-key="default/ui-claim"]', { timeout: 30_000 });
      expect(await pg.locator('.card[data-kind="node"]').count()).to.equal(0);
    } finally {
      await pg.close();
      p.proc.kill('SIGTERM');
    }
  });

  it('the page is served to any authenticated user; nodes/proxy forwards only the summaries', async () => {
    const k = c as TestCluster;
    expect(await k.ok(['get', '--raw', '/ui/storage'], undefined, k.userKubeconfig('ui-bob'))).to.contain(
      '<title>kubestore: storage</title>',
    );
    const forbidden = await k.kubectl(
      ['get', '--raw', `/api/v1/nodes/${k.nodeName}/proxy/stats/summary`],
      undefined,
      k.userKubeconfig('ui-bob'),
    );
    expect(forbidden.stderr).to.match(/Forbidden|forbidden/);
    const summary = JSON.parse(await k.ok(['get', '--raw', `/api/v1/nodes/${k.nodeName}/proxy/stats/summary`])) as {
      node: { nodeName: string };
    };
    expect(summary.node.nodeName).to.equal(k.nodeName);
    const other = await k.kubectl(['get', '--raw', `/api/v1/nodes/${k.nodeName}/proxy/pods`]);
    expect(other.stderr).to.match(/NotFound|not found/);
  });
});
