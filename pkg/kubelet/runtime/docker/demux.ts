/**
 * Docker multiplexes a non-TTY container's stdout and stderr into one byte stream of frames:
 * an 8-byte header `[stream(1) 0 0 0 length(4, big endian)]` followed by `length` bytes. This
 * Transform strips the headers and emits the payloads in order, so stdout and stderr come out
 * interleaved as the container wrote them (what `kubectl logs` shows).
 *
 * A TTY container's logs are not framed: construct with `{ raw: true }` when the container is
 * known to have a TTY. Otherwise a stream whose first header is not a valid frame header is
 * passed through unchanged too (a safety net, not the way TTY logs are recognised).
 */
import { Transform, type TransformCallback } from 'node:stream';

const HeaderLength = 8;

/** Strips Docker's stdout/stderr framing; see the file comment. */
export class DockerLogDemuxer extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Payload bytes still expected for the current frame, or undefined between frames. */
  private remaining: number | undefined;
  private raw: boolean;
  private decided = false;

  /** `raw`: the stream is a TTY container's unframed output; pass it through as it is. */
  constructor(options: { raw?: boolean } = {}) {
    super();
    this.raw = options.raw === true;
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.raw) {
      this.push(data);
      done();
      return;
    }
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    this.drain();
    done();
  }

  override _flush(done: TransformCallback): void {
    // A truncated trailing frame still carries text worth showing; an undecided short stream
    // was raw output.
    if (this.buffer.length > 0 && (this.remaining !== undefined || !this.decided)) this.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.remaining === undefined) {
        if (this.buffer.length < HeaderLength) return;
        if (!isFrameHeader(this.buffer)) {
          // Not framed (TTY output), or misaligned mid-stream: pass everything through rather
          // than drop output.
          this.raw = true;
          this.push(this.buffer);
          this.buffer = Buffer.alloc(0);
          return;
        }
        this.decided = true;
        this.remaining = this.buffer.readUInt32BE(4);
        this.buffer = this.buffer.subarray(HeaderLength);
      }
      if (this.remaining > 0) {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining > 0) return;
      }
      this.remaining = undefined;
    }
  }
}

/** stream byte 0 (stdin), 1 (stdout) or 2 (stderr), then three zero bytes. */
function isFrameHeader(b: Buffer): boolean {
  return (b[0] === 0 || b[0] === 1 || b[0] === 2) && b[1] === 0 && b[2] === 0 && b[3] === 0;
}
