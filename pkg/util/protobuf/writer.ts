/**
 * A minimal protocol buffers (proto3) encoder: varint and length-delimited fields, enough to
 * write a message whose schema the caller knows by field number. No reflection and no .proto
 * files: the caller writes fields in order, nesting sub-messages with `message`. Default values
 * (empty strings, false) are the caller's choice to skip, as proto3 writers do.
 */

/** Wire type of varint fields (int32, int64, bool, enum). */
const wireVarint = 0;
/** Wire type of length-delimited fields (string, bytes, sub-messages, packed repeats). */
const wireLengthDelimited = 2;

/** Appends the base-128 varint of a non-negative integer (up to 2^53) to `out`. */
function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Builds one message; `finish()` returns its bytes. */
export class ProtoWriter {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private tag(field: number, wire: number): number[] {
    const out: number[] = [];
    pushVarint(out, field * 8 + wire);
    return out;
  }

  /** Writes a varint field (a non-negative integer). */
  uint(field: number, value: number): this {
    const out = this.tag(field, wireVarint);
    pushVarint(out, value);
    this.push(Buffer.from(out));
    return this;
  }

  /** Writes a bool field (always, even when false: the caller decides what to omit). */
  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  /** Writes a length-delimited field holding `bytes`. */
  bytes(field: number, bytes: Buffer): this {
    const head = this.tag(field, wireLengthDelimited);
    pushVarint(head, bytes.length);
    this.push(Buffer.from(head));
    this.push(bytes);
    return this;
  }

  /** Writes a string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** Writes one string field per value (a `repeated string`). */
  strings(field: number, values: readonly string[]): this {
    for (const v of values) this.string(field, v);
    return this;
  }

  /** Writes a sub-message field whose contents `build` writes (present even when empty). */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    build(sub);
    return this.bytes(field, sub.finish());
  }

  /** The encoded message. */
  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
