/**
 * The versioned key space of the memory store: every value each key has held, by revision, so
 * that a read at an older revision sees exactly the snapshot etcd would show; compaction
 * forgets what no read at or after the compaction revision can see. Keys are kept in etcd's
 * order (UTF-8 byte order).
 */

/** One version of a key: its encoded value written at `rev`, or its deletion (no value). */
export interface Version {
  rev: number;
  value: Buffer | undefined;
}

/** A version that holds a value (the key existed). */
export interface LiveVersion {
  rev: number;
  value: Buffer;
}

/**
 * Orders keys as etcd does, by their UTF-8 bytes. That is code point order, which differs from
 * JavaScript's UTF-16 code unit order only for surrogates (code points past U+FFFF), which must
 * sort after U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function live(v: Version | undefined): LiveVersion | undefined {
  return v?.value ? { rev: v.rev, value: v.value } : undefined;
}

/** Every version of every key, newest last, plus the keys in order. Not safe across awaits. */
export class KeyHistory {
  private readonly versions = new Map<string, Version[]>();
  /** Every key that has versions, sorted by compareKeys. */
  private keys: string[] = [];

  /** The key's newest version at or before `rev`, when the key existed at that revision. */
  at(key: string, rev: number): LiveVersion | undefined {
    const vs = this.versions.get(key);
    if (!vs) return undefined;
    for (let i = vs.length - 1; i >= 0; i--) {
      const v = vs[i];
      if (v && v.rev <= rev) return live(v);
    }
    return undefined;
  }

  /** The key's current value, if it exists. */
  latest(key: string): LiveVersion | undefined {
    const vs = this.versions.get(key);
    return vs ? live(vs[vs.length - 1]) : undefined;
  }

  /** Appends a version; its revision must be newer than every recorded one. */
  record(key: string, version: Version): void {
    const vs = this.versions.get(key);
    if (vs) {
      vs.push(version);
      return;
    }
    this.versions.set(key, [version]);
    this.keys.splice(
      this.firstIndex((k) => compareKeys(k, key) >= 0),
      0,
      key,
    );
  }

  /**
   * The keys starting with `prefix` that existed at `rev`, in key order, with their value then;
   * when `startAfter` is given, only keys strictly after it.
   */
  *range(prefix: string, rev: number, startAfter?: string): Generator<{ key: string; version: LiveVersion }> {
    const from =
      startAfter === undefined
        ? this.firstIndex((k) => compareKeys(k, prefix) >= 0)
        : this.firstIndex((k) => compareKeys(k, startAfter) > 0);
    for (let i = from; i < this.keys.length; i++) {
      const key = this.keys[i];
      if (key === undefined || !key.startsWith(prefix)) return;
      const version = this.at(key, rev);
      if (version) yield { key, version };
    }
  }

  /**
   * Forgets every version superseded at `rev`: each key keeps its newest version at or before
   * `rev` (dropped too when it is a deletion) and everything after.
   */
  compact(rev: number): void {
    for (const [key, vs] of this.versions) {
      let keepFrom = -1;
      for (let i = vs.length - 1; i >= 0; i--) {
        const v = vs[i];
        if (v && v.rev <= rev) {
          keepFrom = i;
          break;
        }
      }
      if (keepFrom < 0) continue;
      const kept = vs.slice(keepFrom);
      if (kept[0]?.value === undefined) kept.shift();
      if (kept.length) this.versions.set(key, kept);
      else this.versions.delete(key);
    }
    this.keys = this.keys.filter((k) => this.versions.has(k));
  }

  /** The first index of `keys` for which `pred` holds (pred is monotone over the sorted keys). */
  private firstIndex(pred: (k: string) => boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid];
      if (k !== undefined && pred(k)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
