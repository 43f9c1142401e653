/**
 * The kubelet's claim watches: one watch per claim its pods use, started and stopped as the
 * pods change; a change to a watched claim is reported by its key.
 */
import { expect } from 'chai';
import type { Pod } from '../../../../pkg/api/core/v1';
import { ClaimWatches, claimKeysOf } from '../../../../pkg/kubelet/volumemanager/claim_watches';

function setup() {
  const open = new Map<string, { signal: AbortSignal; fire: () => void }>();
  const changed: string[] = [];
  let started = 0;
  const watches = new ClaimWatches({
    watch: (namespace, name, onUpdate, signal) => {
      started++;
      open.set(`${namespace}/${name}`, { signal, fire: onUpdate });
    },
    onChange: (key) => changed.push(key),
  });
  const live = () => [...open].filter(([, w]) => !w.signal.aborted).map(([k]) => k);
  return { watches, open, changed, live, started: () => started };
}

describe('kubelet claim watches', () => {
  it('keeps one watch per claim in use, stops the ones no pod uses, and reports changes by key', () => {
    const f = setup();
    f.watches.set(['team/a', 'team/b', 'team/a']);
    expect(f.live()).to.deep.equal(['team/a', 'team/b']);
    f.watches.set(['team/b', 'other/c']);
    expect(f.live()).to.deep.equal(['team/b', 'other/c']);
    expect(f.open.get('team/a')?.signal.aborted).to.equal(true);
    expect(f.started()).to.equal(3); // team/b was not restarted
    f.open.get('other/c')?.fire();
    expect(f.changed).to.deep.equal(['other/c']);
    f.watches.stop();
    expect(f.live()).to.deep.equal([]);
    expect(f.watches.watched).to.deep.equal([]);
  });

  it('ignores malformed keys and names no claim can have (nothing odd reaches a field selector)', () => {
    const f = setup();
    f.watches.set(['nons', '/x', 'ns/', 'ns/a,status.phase=Bound', 'ns/A', 'Bad_NS/a']);
    expect(f.started()).to.equal(0);
  });

  it("lists a pod's claims as namespace/name keys", () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'team' },
      spec: {
        containers: [{ name: 'c', image: 'busybox' }],
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'scratch', hostPath: { path: '/tmp' } },
        ],
      },
    };
    expect(claimKeysOf(pod)).to.deep.equal(['team/data']);
  });
});
