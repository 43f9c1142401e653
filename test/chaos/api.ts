/**
 * The chaos workload's API client (the cluster's admin requests) that rides out the faults
 * the run injects. A request that fails on the network, or with a 5xx/429, is sent again until
 * a deadline; any other answer is returned to the caller. A create sent again after its answer
 * was lost may meet its own object (409): callers treat AlreadyExists as done.
 */
/** An answer of the apiserver. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  text: string;
}

/** Sends one request (e.g. TestCluster.request: the apiserver keeps its port across restarts). */
export type Send = <T>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>;

/** The retrying client. */
export class ChaosApi {
  constructor(
    private readonly send: Send,
    private readonly deadlineMs = 120_000,
  ) {}

  /** Sends until the apiserver gives a non-5xx answer (or throws past the deadline). */
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>> {
    const deadline = Date.now() + this.deadlineMs;
    let last = '';
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      try {
        const r = await this.send<T>(method, path, body, headers);
        if (r.status < 500 && r.status !== 429) return r;
        last = `${r.status} ${r.text.slice(0, 200)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline)
        throw new Error(`${method} ${path}: no answer within ${this.deadlineMs} ms (last: ${last})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Creates an object; 201 or 409 (it exists, e.g. a retried create) are both done. */
  async create(path: string, obj: unknown): Promise<void> {
    const r = await this.call('POST', path, obj);
    if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
  }

  /** Deletes an object; 200/202 or 404 (already gone) are both done. */
  async remove(path: string): Promise<void> {
    const r = await this.call('DELETE', path);
    if (r.status !== 200 && r.status !== 202 && r.status !== 404)
      throw new Error(`DELETE ${path}: ${r.status} ${r.text}`);
  }

  /** The items of a list. */
  async list<T>(path: string): Promise<T[]> {
    const r = await this.call<{ items?: T[] }>('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
    return r.body.items ?? [];
  }
}
