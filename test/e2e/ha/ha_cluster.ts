/**
 * An HA test cluster from the real binaries: a 3-member etcd cluster (EtcdCluster), two
 * kube-apiservers on it (plain-HTTP test mode, one key prefix), HAProxy in front of them when
 * Debian's haproxy is installed (configured by hack/lib/haproxy.sh, as local-up-cluster does),
 * and a leader-electing kube-controller-manager through the balancer (through apiserver 1
 * without one); optionally a kubelet the same way. Plus a resuming watcher, as an informer's
 * reflector resumes.
 */
import path from 'node:path';
import { freePort, TestCluster } from '../../helpers/cluster';
import { EtcdCluster } from '../../helpers/etcd_cluster';
import { haproxyBin, startHaproxy, type TestHaproxy } from '../../helpers/haproxy';
import { openWatch, request, type WatchStream } from '../../helpers/http';
import { writeKubeconfigFile } from '../../helpers/kubeconfig';
import { waitFor } from '../../helpers/wait';

/** One watch event as the tests compare them. */
export interface SeenEvent {
  type: string;
  name: string;
  rv: number;
}

function toSeen(e: WatchStream['events'][number]): SeenEvent {
  return { type: e.type, name: String(e.object.metadata?.name), rv: Number(e.object.metadata?.resourceVersion) };
}

/** The cluster; see the file comment. */
export class HaCluster {
  readonly etcd = new EtcdCluster(3);
  readonly c = new TestCluster({ plain: true, controllerManager: false });
  /** Each apiserver's URL (index 0 and 1). */
  apiUrls: string[] = [];
  /** The balancer's URL (undefined without haproxy). */
  lbUrl?: string;
  private haproxy?: TestHaproxy;

  /** Starts etcd, both apiservers, the balancer and the controller-manager; waits for each. */
  async up(): Promise<void> {
    await this.etcd.start();
    const ports = [await freePort(), await freePort()];
    this.apiUrls = ports.map((p) => `http://127.0.0.1:${p}`);
    ports.forEach((p, i) => {
      this.c.start(`kube-apiserver-${i + 1}`, 'kube-apiserver', [
        `--etcd-servers=${this.etcd.endpoints.join(',')}`,
        `--etcd-prefix=${this.c.prefix}`,
        `--port=${p}`,
        '--secure-port=0',
        '--etcd-request-timeout=3s',
        `--hostpath-base-dir=${this.c.hostPathBase}`,
      ]);
    });
    for (const [i, url] of this.apiUrls.entries())
      await waitFor(
        async () => (await request(url, 'GET', '/readyz').catch(() => undefined))?.status === 200,
        30_000,
        `apiserver ${i + 1} ready\n${this.c.logTail(`kube-apiserver-${i + 1}`)}`,
      );
    if (haproxyBin) await this.startBalancer(haproxyBin, ports);
    const kubeconfig = path.join(this.c.dir, 'kcm.kubeconfig');
    writeKubeconfigFile(kubeconfig, { server: this.lbUrl ?? this.apiUrls[0] ?? '' });
    this.c.start('kube-controller-manager', 'kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      '--port=0',
      `--hostpath-base-dir=${this.c.hostPathBase}`,
      `--provisioning-record-dir=${this.c.recordDir}`,
      '--leader-elect=true',
    ]);
  }

  /** Starts a kubelet through the balancer (apiserver 1 without one) and waits for its node Ready. */
  async startKubelet(): Promise<void> {
    writeKubeconfigFile(this.c.kubeconfig, { server: this.lbUrl ?? this.apiUrls[0] ?? '' });
    this.c.startKubelet();
    await this.c.waitNodeReady();
  }

  /** The kubelet's node Lease renewTime (ms since the epoch; 0 when absent). */
  async nodeRenewTime(): Promise<number> {
    const r = await request<{ spec?: { renewTime?: string } }>(
      this.apiUrls[0] ?? '',
      'GET',
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.c.nodeName}`,
    ).catch(() => undefined);
    return r?.status === 200 && r.body.spec?.renewTime ? Date.parse(r.body.spec.renewTime) : 0;
  }

  private async startBalancer(bin: string, backends: number[]): Promise<void> {
    const lb = await startHaproxy({ bin, dir: this.c.dir, tls: false, backends });
    this.haproxy = lb;
    this.lbUrl = `http://${lb.address}`;
    const url = this.lbUrl;
    await waitFor(
      async () => (await request(url, 'GET', '/readyz').catch(() => undefined))?.status === 200,
      15_000,
      `haproxy forwarding to a ready apiserver\n${lb.log()}`,
    );
  }

  /** The controller-manager's Lease (holder and transitions), once it exists. */
  async lease(): Promise<{ holder: string; transitions: number }> {
    let out = { holder: '', transitions: -1 };
    await waitFor(
      async () => {
        const r = await request<{ spec?: { holderIdentity?: string; leaseTransitions?: number } }>(
          this.apiUrls[0] ?? '',
          'GET',
          '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager',
        ).catch(() => undefined);
        if (r?.status !== 200 || !r.body.spec?.holderIdentity) return false;
        out = { holder: r.body.spec.holderIdentity, transitions: r.body.spec.leaseTransitions ?? 0 };
        return true;
      },
      30_000,
      `the controller-manager's lease\n${this.c.logTail('kube-controller-manager')}`,
    );
    return out;
  }

  /** Stops everything and removes the data. */
  async down(): Promise<void> {
    this.haproxy?.stop();
    await this.c.down();
    await this.etcd.destroy();
  }
}

/**
 * A watch that resumes from the last resourceVersion it saw whenever its stream ends (an
 * apiserver went away behind the balancer), as a reflector does; a 410 is recorded, not hidden.
 */
export class ResumingWatch {
  readonly events: SeenEvent[] = [];
  readonly refusals: string[] = [];
  private current?: WatchStream;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly url: () => string,
    private readonly path: string,
    private rv: number,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const w = await openWatch(this.url(), `${this.path}?resourceVersion=${this.rv}&allowWatchBookmarks=true`).catch(
        () => undefined,
      );
      if (!w) {
        // No apiserver answered: retry shortly (a reflector's backoff), not a synchronisation.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (w.status !== 200) this.refusals.push(`${w.status} ${JSON.stringify(w.errorBody)}`);
      this.current = w;
      let taken = 0;
      while (!this.stopped) {
        for (; taken < w.events.length; taken++) {
          const e = w.events[taken];
          if (!e) continue;
          if (e.type === 'ERROR') this.refusals.push(JSON.stringify(e.object));
          else {
            const s = toSeen(e);
            if (e.type !== 'BOOKMARK') this.events.push(s);
            if (Number.isFinite(s.rv)) this.rv = s.rv;
          }
        }
        if (w.ended() && taken >= w.events.length) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.close();
    await this.loop;
  }
}

/** The non-bookmark events of a plain watch stream. */
export function seenOf(w: WatchStream): SeenEvent[] {
  return w.events.filter((e) => e.type !== 'BOOKMARK').map(toSeen);
}
