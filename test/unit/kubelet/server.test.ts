import { expect } from 'chai';
import type { Pod } from '../../../pkg/api/core/v1';
import { silentLogger } from '../../../pkg/log/logger';
import { Registry } from '../../../pkg/metrics/registry';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { containerLabels, containerName } from '../../../pkg/kubelet/runtime/interface';
import { startKubeletServer } from '../../../pkg/kubelet/server';
import { waitFor } from '../../helpers/wait';
import { pod } from './fixtures';

describe('kubelet: server (container logs, healthz)', () => {
  let rt: FakeRuntime;
  let server: { port: number; stop(): Promise<void> };
  let healthy: boolean;
  const pods = new Map<string, Pod>();
  const url = (p: string): string => `http://127.0.0.1:${server.port}${p}`;

  /** A container instance of `p`'s `c` with some output; running or exited. */
  async function instance(p: Pod, c: string, attempt: number, output: string, running: boolean): Promise<string> {
    const ident = {
      podUid: p.metadata.uid ?? '',
      podNamespace: 'default',
      podName: p.metadata.name ?? '',
      containerName: c,
      attempt,
    };
    const id = await rt.createContainer({
      name: containerName(ident),
      image: 'busybox',
      labels: containerLabels(ident),
      binds: [],
    });
    await rt.startContainer(id);
    rt.writeLogs(id, output);
    if (!running) rt.exitContainer(id, 1);
    return id;
  }

  beforeEach(async () => {
    rt = new FakeRuntime({ images: ['busybox'] });
    healthy = true;
    pods.clear();
    server = await startKubeletServer({
      address: '127.0.0.1',
      port: 0,
      runtime: rt,
      pod: (ns, name) => pods.get(`${ns}/${name}`),
      healthy: () => healthy,
      metrics: new Registry(),
      logger: silentLogger(),
    });
  });
  afterEach(() => server.stop());

  it('serves the newest instance, tailLines, and --previous', async () => {
    const p = pod('web');
    pods.set('default/web', p);
    await instance(p, 'app', 0, 'old-1\nold-2\n', false);
    await instance(p, 'app', 1, 'new-1\nnew-2\nnew-3\n', true);
    expect(await (await fetch(url('/containerLogs/default/web/app'))).text()).to.equal('new-1\nnew-2\nnew-3\n');
    expect(await (await fetch(url('/containerLogs/default/web/app?tailLines=1'))).text()).to.equal('new-3\n');
    expect(await (await fetch(url('/containerLogs/default/web/app?previous=true'))).text()).to.equal('old-1\nold-2\n');
  });

  it('errors are Status objects: unknown pod 404, unknown container 400, not started 400, bad tailLines 400', async () => {
    const p = pod('web');
    pods.set('default/web', p);
    const r404 = await fetch(url('/containerLogs/default/nope/app'));
    expect(r404.status).to.equal(404);
    expect(((await r404.json()) as { kind: string }).kind).to.equal('Status');
    const bad = await fetch(url('/containerLogs/default/web/other'));
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { message: string }).message).to.equal('container other is not valid for pod web');
    const waiting = await fetch(url('/containerLogs/default/web/app'));
    expect(((await waiting.json()) as { message: string }).message).to.match(/is waiting to start: ContainerCreating/);
    const noPrev = await fetch(url('/containerLogs/default/web/app?previous=true'));
    expect(((await noPrev.json()) as { message: string }).message).to.match(
      /previous terminated container "app" in pod "web" not found/,
    );
    await instance(p, 'app', 0, 'x\n', true);
    expect((await fetch(url('/containerLogs/default/web/app?tailLines=-1'))).status).to.equal(400);
  });

  it('follow=true streams new output and ends when the container exits', async () => {
    const p = pod('web');
    pods.set('default/web', p);
    const id = await instance(p, 'app', 0, 'first\n', true);
    const res = await fetch(url('/containerLogs/default/web/app?follow=true'));
    const body = res.body;
    if (!body) throw new Error('no body');
    let text = '';
    let ended = false;
    void (async () => {
      const dec = new TextDecoder();
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>)
        text += dec.decode(chunk, { stream: true });
      ended = true;
    })();
    await waitFor(() => text === 'first\n', 5000, 'the existing output');
    rt.writeLogs(id, 'second\n');
    await waitFor(() => text === 'first\nsecond\n', 5000, 'the followed output');
    expect(ended).to.equal(false);
    rt.exitContainer(id, 0);
    await waitFor(() => ended, 5000, 'the stream to end with the container');
  });

  it('a client that goes away stops the follow (the runtime stream is aborted)', async () => {
    const p = pod('web');
    pods.set('default/web', p);
    await instance(p, 'app', 0, 'first\n', true);
    const ac = new AbortController();
    const res = await fetch(url('/containerLogs/default/web/app?follow=true'), { signal: ac.signal });
    expect(res.status).to.equal(200);
    const [, opts] = rt.callsOf('containerLogs')[0] as [string, { signal?: AbortSignal }];
    expect(opts.signal?.aborted).to.equal(false);
    // Koa's default error handler would print the premature close to stderr.
    const printed: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      ac.abort();
      await waitFor(() => opts.signal?.aborted === true, 5000, 'the runtime log stream to be aborted');
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      console.error = original;
    }
    expect(printed).to.deep.equal([]);
  });

  it('/healthz follows healthy(); /metrics answers', async () => {
    expect(await (await fetch(url('/healthz'))).text()).to.equal('ok');
    healthy = false;
    expect((await fetch(url('/healthz'))).status).to.equal(503);
    expect((await fetch(url('/metrics'))).status).to.equal(200);
  });
});
