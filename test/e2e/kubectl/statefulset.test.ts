/**
 * Unmodified kubectl against apps/v1 StatefulSets (no controller runs here, so status stays
 * empty): `apply -f manifests/statefulset.yaml` (client-side validation against our OpenAPI),
 * `get sts` (NAME READY AGE, -o wide), `describe`, `scale` through the autoscaling/v1 scale
 * subresource (and its 409 on a stale resourceVersion), `explain`, a refused manifest, `delete`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { waitFor } from '../../helpers/wait';
import { tableRows, useKubectlHarness, type KubectlHarness } from './harness';

const manifest = path.resolve(__dirname, '../../../../manifests/statefulset.yaml');

describe('kubectl e2e: StatefulSets', function () {
  this.timeout(120_000);
  let h: KubectlHarness;
  const ns = 'e2e-sts';
  const get = (args: string[], jsonpath: string) => h.ok(['get', ...args, '-n', ns, '-o', `jsonpath=${jsonpath}`]);

  useKubectlHarness(ns, (harness) => (h = harness));

  it('apply -f manifests/statefulset.yaml creates the set with Kubernetes defaults; applying it again changes nothing', async () => {
    const r = await h.kubectl(['apply', '-n', ns, '-f', manifest]);
    expect(r.stderr, 'no client-side validation complaints').to.equal('');
    expect(r.stdout).to.equal('statefulset.apps/web created\n');
    expect(
      await get(
        ['sts', 'web'],
        '{.spec.replicas} {.spec.podManagementPolicy} {.spec.updateStrategy.type} {.spec.updateStrategy.rollingUpdate.partition} {.spec.revisionHistoryLimit} {.spec.persistentVolumeClaimRetentionPolicy.whenDeleted} {.spec.persistentVolumeClaimRetentionPolicy.whenScaled} {.spec.template.spec.restartPolicy} {.spec.volumeClaimTemplates[0].spec.volumeMode} {.spec.serviceName} {.metadata.generation}',
      ),
    ).to.equal('3 OrderedReady RollingUpdate 0 10 Retain Retain Always Filesystem web 1');
    // As in Kubernetes (kubernetes/kubernetes#66450), a second apply says "configured": the
    // claim templates are an atomic list that differs from the manifest by its defaults, so
    // kubectl sends it again. The server's result is the same object.
    expect(await h.ok(['apply', '-n', ns, '-f', manifest])).to.equal('statefulset.apps/web configured\n');
    expect(await get(['sts', 'web'], '{.metadata.generation}')).to.equal('1');
  });

  it('get sts prints NAME READY AGE (READY = ready/desired), -o wide adds CONTAINERS IMAGES, get all lists it', async () => {
    const rows = tableRows(await h.ok(['get', 'sts', '-n', ns]));
    expect(rows[0]).to.deep.equal(['NAME', 'READY', 'AGE']);
    expect(rows[1]?.slice(0, 2)).to.deep.equal(['web', '0/3']);
    const wide = tableRows(await h.ok(['get', 'statefulsets', '-n', ns, '-o', 'wide']));
    expect(wide[0]).to.deep.equal(['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
    expect([wide[1]?.[0], wide[1]?.[3], wide[1]?.[4]]).to.deep.equal(['web', 'web', 'busybox:latest']);
    expect(await h.ok(['get', 'all', '-n', ns])).to.contain('statefulset.apps/web');
  });

  it('describe sts shows the spec and the claim template', async () => {
    const out = await h.ok(['describe', 'sts', 'web', '-n', ns]);
    expect(out).to.match(/^Name:\s+web$/m);
    expect(out).to.match(/^Selector:\s+app=web$/m);
    expect(out).to.match(/^Replicas:\s+3 desired \| 0 total$/m);
    expect(out).to.match(/^Update Strategy:\s+RollingUpdate$/m);
    expect(out).to.match(/^Volume Claims:$/m);
    expect(out).to.match(/StorageClass:\s+local-wffc/);
    expect(out).to.match(/Capacity:\s+100Mi/);
  });

  it('scale sts changes spec.replicas through the scale subresource; a stale Scale is a Conflict', async () => {
    const before = await get(['sts', 'web'], '{.metadata.resourceVersion}');
    expect(await h.ok(['scale', 'sts', 'web', '-n', ns, '--replicas=2'])).to.equal('statefulset.apps/web scaled\n');
    expect(await get(['sts', 'web'], '{.spec.replicas} {.metadata.generation}')).to.equal('2 2');
    const scale = await h.ok(['get', '--raw', `/apis/apps/v1/namespaces/${ns}/statefulsets/web/scale`]);
    expect(JSON.parse(scale)).to.deep.include({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    });
    // kubectl checks --resource-version itself; the server's own check is a 409 on a stale Scale.
    const stale = await h.request(
      'PUT',
      `/apis/apps/v1/namespaces/${ns}/statefulsets/web/scale`,
      JSON.stringify({
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'web', namespace: ns, resourceVersion: before },
        spec: { replicas: 5 },
      }),
      { 'content-type': 'application/json' },
    );
    expect(stale.status).to.equal(409);
    expect(await get(['sts', 'web'], '{.spec.replicas}')).to.equal('2');
  });

  it('explain sts.spec.volumeClaimTemplates describes the field from our OpenAPI', async () => {
    const out = await h.ok(['explain', 'sts.spec.volumeClaimTemplates']);
    expect(out).to.match(/^GROUP:\s+apps$/m);
    expect(out).to.match(/^KIND:\s+StatefulSet$/m);
    expect(out).to.match(/^FIELD: volumeClaimTemplates <\[\]PersistentVolumeClaim>$/m);
    expect(out).to.contain('volumeClaimTemplates is a list of claims that pods are allowed to reference.');
  });

  it('a manifest whose selector does not match the template labels is refused (422), and nothing is created', async () => {
    const bad = readFileSync(manifest, 'utf8')
      .replace('name: web\nspec:', 'name: bad\nspec:')
      .replace('    matchLabels:\n      app: web', '    matchLabels:\n      app: other');
    const r = await h.kubectl(['apply', '-n', ns, '-f', '-'], bad);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('spec.template.metadata.labels: Invalid value');
    expect(r.stderr).to.contain('`selector` does not match template `labels`');
    expect(await h.ok(['get', 'sts', '-n', ns, '-o', 'name'])).to.equal('statefulset.apps/web\n');
  });

  it('delete sts removes it', async () => {
    expect(await h.ok(['delete', 'sts', 'web', '-n', ns])).to.equal('statefulset.apps "web" deleted\n');
    await waitFor(
      async () => (await h.ok(['get', 'sts', '-n', ns, '--ignore-not-found', '-o', 'name'])) === '',
      15_000,
      'the set is gone',
    );
  });
});
