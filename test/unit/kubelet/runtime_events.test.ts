import { expect } from 'chai';
import type { ContainerEvent } from '../../../pkg/kubelet/runtime/interface';
import { watchRuntimeEvents } from '../../../pkg/kubelet/runtime_events';
import { silentLogger } from '../../../pkg/log/logger';
import { waitFor } from '../../helpers/wait';

/** A runtime whose first event stream yields one event and breaks; later ones wait for abort. */
function breakingRuntime(log: string[]) {
  let subscriptions = 0;
  return {
    get subscriptions() {
      return subscriptions;
    },
    async *events(signal: AbortSignal, since?: Date): AsyncIterable<ContainerEvent> {
      const n = ++subscriptions;
      log.push(`subscribe ${n}${since ? ' since the break' : ''}`);
      if (n === 1) {
        yield {
          type: 'die',
          id: 'c1',
          time: new Date().toISOString(),
          labels: { pod: 'a' },
        } as unknown as ContainerEvent;
        throw new Error('connect ENOENT /var/run/docker.sock');
      }
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
}

describe('kubelet runtime event loop', () => {
  it('enqueues pods of container events, and every pod after the stream broke and came back', async () => {
    const log: string[] = [];
    const runtime = breakingRuntime(log);
    const ac = new AbortController();
    const done = watchRuntimeEvents({
      runtime,
      onContainerEvent: (labels) => log.push(`event ${labels.pod ?? ''}`),
      resyncAll: () => log.push('resync all'),
      signal: ac.signal,
      logger: silentLogger(),
      retryMs: 1,
    });
    await waitFor(() => log.length === 4, 2000, 'a resync and a re-subscription');
    ac.abort();
    await done;
    expect(log).to.deep.equal(['subscribe 1', 'event a', 'resync all', 'subscribe 2 since the break']);
  });

  it('does nothing for a runtime without events', async () => {
    await watchRuntimeEvents({
      runtime: {},
      onContainerEvent: () => expect.fail(),
      resyncAll: () => expect.fail(),
      signal: new AbortController().signal,
      logger: silentLogger(),
    });
  });
});
