/** The apiserver's metrics: requests by verb/resource/code, latency, open watches. */
import { Counter, Gauge, Histogram, Registry } from '../metrics/registry';

/** Metrics of one apiserver. */
export class ApiServerMetrics {
  readonly registry = new Registry();
  readonly requests = this.registry.register(
    new Counter('apiserver_request_total', 'Requests by verb, resource and HTTP code.'),
  );
  readonly latency = this.registry.register(
    new Histogram('apiserver_request_duration_seconds', 'Request latency by verb and resource.'),
  );
  private readonly watches = new Map<string, number>();
  readonly watchers = this.registry.register(
    new Gauge('apiserver_registered_watchers', 'Open watch streams by resource.', () =>
      [...this.watches].map(([resource, n]) => [{ resource }, n]),
    ),
  );

  /** Counts a watch opening (+1) or closing (-1). */
  watch(resource: string, delta: 1 | -1): void {
    this.watches.set(resource, (this.watches.get(resource) ?? 0) + delta);
  }
}
