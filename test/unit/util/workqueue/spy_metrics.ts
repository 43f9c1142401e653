import type { QueueMetrics } from '../../../../pkg/util/workqueue/metrics';

/** A QueueMetrics that records every call, for asserting what a queue reported. */
export class SpyMetrics implements QueueMetrics {
  addCount = 0;
  retryCount = 0;
  depths: number[] = [];

  adds(): void {
    this.addCount++;
  }

  depth(n: number): void {
    this.depths.push(n);
  }

  retries(): void {
    this.retryCount++;
  }
}
