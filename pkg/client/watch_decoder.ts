/**
 * Decodes a watch stream: newline-delimited JSON split across arbitrary chunk boundaries.
 * A malformed line is never dropped silently: it raises WatchDecodeError (the reflector then
 * restarts the watch).
 */
import type { WatchEvent } from '../api/meta';

/** A line of a watch stream that is not a watch event. */
export class WatchDecodeError extends Error {}

const types = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Parses one line into a WatchEvent or throws WatchDecodeError. */
export function decodeWatchLine<T>(line: string): WatchEvent<T> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new WatchDecodeError(`malformed watch event: ${line.slice(0, 200)}`);
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    !('type' in v) ||
    !('object' in v) ||
    !types.has(String(v.type)) ||
    typeof v.object !== 'object' ||
    v.object === null ||
    Array.isArray(v.object)
  ) {
    throw new WatchDecodeError(`malformed watch event: ${line.slice(0, 200)}`);
  }
  return v as WatchEvent<T>;
}

/** Yields the events of a byte stream, in order. Ends when the stream ends. */
export async function* decodeWatchStream<T>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<WatchEvent<T>> {
  let buf = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const line = buf.slice(start, nl).trim();
      start = nl + 1;
      if (line) yield decodeWatchLine<T>(line);
    }
    buf = buf.slice(start);
  }
  buf += decoder.decode();
  if (buf.trim()) yield decodeWatchLine<T>(buf.trim());
}
