/**
 * The kubelet's container event loop (its PLEG): every start/die/oom/destroy event of one of
 * its containers enqueues that container's pod. When the stream breaks (dockerd restarting,
 * its socket gone) the loop re-subscribes after `retryMs` and then enqueues EVERY pod, because
 * what happened while it was away (containers killed with the daemon) produced no event it
 * could see: that relist is what makes a dockerd restart converge. The new subscription asks
 * for the events since the break, so a change between the relist and the moment the stream
 * is open again is not missed either.
 */
import type { Logger } from 'pino';
import { sleep } from '../util/wait';
import type { ContainerRuntime } from './runtime/interface';

/** Options of watchRuntimeEvents. */
export interface RuntimeEventLoopOptions {
  runtime: Pick<ContainerRuntime, 'events'>;
  /** Enqueues the pod of a container by its labels (ignores containers that are not pods'). */
  onContainerEvent(labels: Record<string, string>): void;
  /** Enqueues every pod of the node (after a re-subscription). */
  resyncAll(): void;
  signal: AbortSignal;
  logger: Logger;
  /** Delay before re-subscribing (default 2 s). */
  retryMs?: number;
}

/** Runs until `signal` aborts; never throws. */
export async function watchRuntimeEvents(o: RuntimeEventLoopOptions): Promise<void> {
  const events = o.runtime.events?.bind(o.runtime);
  if (!events) return;
  let brokenAt: Date | undefined;
  while (!o.signal.aborted) {
    try {
      const stream = events(o.signal, brokenAt);
      if (brokenAt) {
        brokenAt = undefined;
        o.resyncAll();
      }
      for await (const ev of stream) o.onContainerEvent(ev.labels);
    } catch (err) {
      brokenAt = new Date();
      o.logger.warn({ err: (err as Error).message }, 'container event stream broke; resubscribing');
      await sleep(o.retryMs ?? 2000, o.signal);
    }
  }
}
