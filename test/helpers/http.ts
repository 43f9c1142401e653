/** Raw HTTP helpers for API tests: JSON requests and line-by-line watch streams. */

/** A response: status, headers and the decoded JSON (or text) body. */
export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Sends one request; `body` objects are sent as JSON unless a string is given. */
export async function request<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined
      ? { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** A watch stream read line by line. */
export interface WatchStream {
  status: number;
  /** Every event received so far. */
  events: { type: string; object: Record<string, unknown> & { metadata?: Record<string, unknown>; code?: number } }[];
  /** True once the server closed the stream. */
  ended(): boolean;
  /** Resolves when `n` events have arrived (or rejects after the deadline). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  waitEnd(timeoutMs?: number): Promise<void>;
  close(): void;
  /** The error body when the watch was refused (non-200). */
  errorBody?: Record<string, unknown>;
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Opens a watch (`?watch=true` is added) and collects its events in the background. */
export async function openWatch(base: string, path: string): Promise<WatchStream> {
  const ac = new AbortController();
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${base}${path}${sep}watch=true`, { signal: ac.signal });
  const events: WatchStream['events'] = [];
  let done = false;
  const stream: WatchStream = {
    status: res.status,
    events,
    ended: () => done,
    waitFor: (n, t = 10_000) => until(() => events.length >= n, t, `${n} watch events (have ${events.length})`),
    waitEnd: (t = 10_000) => until(() => done, t, 'the watch to end'),
    close: () => ac.abort(),
  };
  if (res.status !== 200) {
    stream.errorBody = (await res.json()) as Record<string, unknown>;
    done = true;
    return stream;
  }
  void (async () => {
    let buf = '';
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) events.push(JSON.parse(line) as WatchStream['events'][number]);
        }
      }
    } catch {
      // aborted
    } finally {
      done = true;
    }
  })();
  return stream;
}
