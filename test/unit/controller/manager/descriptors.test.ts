/**
 * The controller-manager's descriptor table: informers and indexes are made only for the
 * selected controllers, each controller's declared informers cover what its start uses, and
 * startControllers starts every controller (after the caches synced) before running any.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../../../pkg/api/meta';
import type { Scope, Stored } from '../../../../pkg/api/stored';
import { Clientset } from '../../../../pkg/client/clientset';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import type { ControllerManagerConfig } from '../../../../pkg/controller/manager/config';
import {
  knownControllers,
  prepareInformers,
  selectDescriptors,
  startControllers,
} from '../../../../pkg/controller/manager/controller_manager';
import { controllerDescriptors } from '../../../../pkg/controller/manager/controllers';
import type { ControllerContext, ControllerDescriptor } from '../../../../pkg/controller/manager/descriptor';
import { PodByNodeIndex } from '../../../../pkg/controller/scheduler/scheduler';
import { IndexName } from '../../../../pkg/controller/volume/persistentvolume/deps';
import { PodByClaimIndex } from '../../../../pkg/controller/volume/protection/pvc_protection';
import type { ResourceClient } from '../../../../pkg/client/resource_client';
import { SharedInformerFactory } from '../../../../pkg/informer/factory';
import type { ListerWatcher } from '../../../../pkg/informer/list_watch';
import { silentLogger } from '../../../../pkg/log/logger';
import { Registry } from '../../../../pkg/metrics/registry';
import { ControllerMetrics } from '../../../../pkg/util/reconcile/runner';
import { testDriverRegistry } from '../../../helpers/volume_drivers';
import { waitFor } from '../../../helpers/wait';
import { FakeListerWatcher } from '../../informer/fake_list_watch';

/** A factory whose informers list and watch fakes; `made` names each informer it created. */
function recordingFactory(clientset: Clientset): { factory: SharedInformerFactory; made: string[] } {
  const made: string[] = [];
  const factory = new SharedInformerFactory(clientset, {
    logger: silentLogger(),
    listerWatcher: <T extends KubeObject, S extends Scope>(
      client: ResourceClient<T, S>,
    ): ListerWatcher<Stored<T, S>> => {
      made.push(client.info.resource);
      return new FakeListerWatcher<Stored<T, S>>([], '1');
    },
  });
  return { factory, made };
}

/** A manager configuration with temp directories (nothing is written there by start). */
const config = (): ControllerManagerConfig => ({
  client: { server: 'unused' },
  controllers: '*',
  leaderElect: false,
  workers: 1,
  provisioningRecordDir: path.join(os.tmpdir(), 'kubestore-descriptor-test-records'),
  drivers: testDriverRegistry({ hostPath: { baseDir: path.join(os.tmpdir(), 'kubestore-descriptor-test-volumes') } }),
  bindAddress: '127.0.0.1',
  port: 0,
  logger: silentLogger(),
});

/** Informers (by resource) a --controllers value makes. */
function informersFor(spec: string): string[] {
  const clientset = new Clientset({ server: 'http://127.0.0.1:1' });
  try {
    const { factory, made } = recordingFactory(clientset);
    prepareInformers(factory, selectDescriptors(spec));
    return made.sort();
  } finally {
    clientset.close();
  }
}

describe('controller-manager: controller descriptors', () => {
  it('the table names every known controller once, in start order', () => {
    expect(controllerDescriptors.map((d) => d.name)).to.deep.equal([...knownControllers]);
    expect(new Set(knownControllers).size).to.equal(knownControllers.length);
  });

  // The garbage collector watches every stored resource but events.
  const everything = [
    'clusterrolebindings',
    'clusterroles',
    'controllerrevisions',
    'leases',
    'namespaces',
    'nodes',
    'persistentvolumeclaims',
    'persistentvolumes',
    'pods',
    'rolebindings',
    'roles',
    'statefulsets',
    'storageclasses',
  ];
  const cases: [string, string[]][] = [
    ['*', everything],
    ['garbagecollector', everything],
    [
      '*,-garbagecollector',
      [
        'controllerrevisions',
        'namespaces',
        'nodes',
        'persistentvolumeclaims',
        'persistentvolumes',
        'pods',
        'statefulsets',
        'storageclasses',
      ],
    ],
    ['statefulset', ['controllerrevisions', 'persistentvolumeclaims', 'pods', 'statefulsets']],
    ['pv-protection', ['persistentvolumes']],
    ['pvc-protection', ['persistentvolumeclaims', 'pods']],
    ['persistentvolume-expander', ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses']],
    ['persistentvolume-binder', ['nodes', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses']],
    ['scheduler', ['nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'storageclasses']],
    [
      '*,-scheduler,-namespace,-statefulset,-garbagecollector',
      ['nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'storageclasses'],
    ],
    ['scheduler,pvc-protection', ['nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'storageclasses']],
    ['', []],
    ['namespace,-namespace', []],
  ];
  for (const [spec, want] of cases)
    it(`--controllers=${JSON.stringify(spec)} makes only the informers ${JSON.stringify(want)}`, () =>
      expect(informersFor(spec)).to.deep.equal(want));

  it('adds only the selected controllers’ indexes', () => {
    const clientset = new Clientset({ server: 'http://127.0.0.1:1' });
    try {
      const { factory } = recordingFactory(clientset);
      prepareInformers(factory, selectDescriptors('pvc-protection'));
      const pods = factory.pods().lister();
      expect(pods.byIndex(PodByClaimIndex, 'ns/c')).to.deep.equal([]);
      expect(() => pods.byIndex(PodByNodeIndex, 'n1')).to.throw(/does not exist/);
      expect(() => factory.persistentVolumes().lister().byIndex(IndexName.PVByClaim, 'ns/c')).to.throw(
        /does not exist/,
      );
      const all = recordingFactory(clientset).factory;
      prepareInformers(all, selectDescriptors('*'));
      expect(all.pods().lister().byIndex(PodByNodeIndex, 'n1')).to.deep.equal([]);
      expect(all.persistentVolumes().lister().byIndex(IndexName.PVByClaim, 'ns/c')).to.deep.equal([]);
    } finally {
      clientset.close();
    }
  });

  it('rejects an unknown name, naming the table’s controllers', () => {
    const table: ControllerDescriptor[] = [
      { name: 'a', informers: [], start: () => ({ run: async () => undefined }) },
      { name: 'b', informers: [], start: () => ({ run: async () => undefined }) },
    ];
    expect(selectDescriptors('*,-a', table).map((d) => d.name)).to.deep.equal(['b']);
    expect(() => selectDescriptors('a,c', table)).to.throw(/unknown controller "c" \(known: a, b\)/);
    expect(() => selectDescriptors('-bogus')).to.throw(/unknown controller "bogus"/);
  });

  describe('each controller’s start', () => {
    // Answers the built-in StorageClass creates of the PV controller's start (nothing else is called).
    let server: http.Server;
    let creates: string[];
    let clientset: Clientset;

    before(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          creates.push(`${req.method ?? ''} ${req.url ?? ''}`);
          res.writeHead(req.method === 'POST' ? 201 : 404, { 'content-type': 'application/json' });
          res.end(req.method === 'POST' ? body : '{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      clientset = new Clientset({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, qps: 0 });
    });
    beforeEach(() => (creates = []));
    after(async () => {
      clientset.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    for (const d of controllerDescriptors) {
      it(`${d.name}: uses only the informers it declares`, async () => {
        const { factory, made } = recordingFactory(clientset);
        prepareInformers(factory, [d]);
        const declared = [...made];
        const recorders: string[] = [];
        const ctx: ControllerContext = {
          factory,
          client: clientset,
          logger: silentLogger(),
          metrics: new ControllerMetrics(new Registry()),
          workers: 1,
          config: config(),
          newRecorder: (component) => {
            recorders.push(component);
            return new FakeRecorder();
          },
        };
        const c = await d.start(ctx);
        expect(typeof c.run).to.equal('function');
        expect(made, 'informers made by start').to.deep.equal(declared);
        if (d.name === 'persistentvolume-binder') {
          expect(creates).to.deep.equal([
            'POST /apis/storage.k8s.io/v1/storageclasses',
            'POST /apis/storage.k8s.io/v1/storageclasses',
          ]);
          expect(recorders).to.deep.equal(['persistentvolume-controller']);
        } else expect(creates).to.deep.equal([]);
        if (d.name === 'scheduler') expect(recorders).to.deep.equal(['default-scheduler']);
        if (d.name === 'statefulset') expect(recorders).to.deep.equal(['statefulset-controller']);
        if (d.name === 'garbagecollector') expect(recorders).to.deep.equal(['garbage-collector-controller']);
      });
    }
  });

  describe('startControllers', () => {
    const ctxWith = (factory: SharedInformerFactory, clientset: Clientset): ControllerContext => ({
      factory,
      client: clientset,
      logger: silentLogger(),
      metrics: new ControllerMetrics(new Registry()),
      workers: 1,
      config: config(),
      newRecorder: () => new FakeRecorder(),
    });

    it('starts every controller, in order, after the caches synced, before running any; runs them until aborted', async () => {
      const clientset = new Clientset({ server: 'http://127.0.0.1:1' });
      const { factory } = recordingFactory(clientset);
      const log: string[] = [];
      const ac = new AbortController();
      const table: ControllerDescriptor[] = ['a', 'b'].map((name) => ({
        name,
        informers: ['nodes'],
        start: async (ctx) => {
          log.push(`start ${name} synced=${ctx.factory.nodes().hasSynced()}`);
          return {
            run: (signal) =>
              new Promise<void>((resolve) => {
                log.push(`run ${name}`);
                signal.addEventListener('abort', () => {
                  log.push(`stop ${name}`);
                  resolve();
                });
              }),
          };
        },
      }));
      prepareInformers(factory, table);
      factory.start(ac.signal);
      const done = startControllers(table, ctxWith(factory, clientset), ac.signal);
      await waitFor(() => log.length === 4, 2000, 'both controllers running');
      expect(log).to.deep.equal(['start a synced=true', 'start b synced=true', 'run a', 'run b']);
      ac.abort();
      await done;
      expect(log.slice(4).sort()).to.deep.equal(['stop a', 'stop b']);
      await factory.stopped();
      clientset.close();
    });

    it('a start that fails runs no controller and rejects', async () => {
      const clientset = new Clientset({ server: 'http://127.0.0.1:1' });
      const { factory } = recordingFactory(clientset);
      const ran: string[] = [];
      const ac = new AbortController();
      const table: ControllerDescriptor[] = [
        { name: 'ok', informers: [], start: () => ({ run: async () => void ran.push('ok') }) },
        {
          name: 'bad',
          informers: [],
          start: async () => {
            throw new Error('setup failed');
          },
        },
      ];
      factory.start(ac.signal);
      let err: unknown;
      await startControllers(table, ctxWith(factory, clientset), ac.signal).catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/setup failed/);
      expect(ran).to.deep.equal([]);
      ac.abort();
      clientset.close();
    });
  });
});
