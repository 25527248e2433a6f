/**
 * Span names straight from a file's bytes into the trace's string dictionary: a million spans carry a few
 * hundred distinct names, so each name is decoded once and later spans find its index by hashing and
 * comparing bytes — no string is built per span (building them was much of the parse's garbage).
 */
import type { StringDictionary } from '@apo/shared/console';

const SLOTS = 1 << 14; // a power of two; the table stops learning at half full
const POOL = 1 << 20; // bytes of names kept for comparison

const decoder = new TextDecoder();

export class ByteInterner {
  private readonly dict: StringDictionary;
  /** Per slot: 1 + dictionary index (0: empty), the name's hash, where its bytes are in the pool. */
  private readonly entry = new Int32Array(SLOTS);
  private readonly hashes = new Int32Array(SLOTS);
  private readonly at = new Int32Array(SLOTS);
  private readonly length = new Int32Array(SLOTS);
  private readonly pool = new Uint8Array(POOL);
  private used = 0;
  private filled = 0;

  constructor(dict: StringDictionary) {
    this.dict = dict;
  }

  /**
   * The dictionary index of the string value at [from, to) (quotes included); `plain` (no escapes, ASCII)
   * strings are looked up by their bytes, others decoded.
   */
  indexOf(b: Uint8Array, from: number, to: number, plain: boolean): number {
    if (!plain) {
      const parsed: unknown = JSON.parse(decoder.decode(b.subarray(from, to)));
      return this.dict.add(typeof parsed === 'string' ? parsed : '');
    }
    const start = from + 1;
    const n = to - 1 - start;
    let h = 0x811c9dc5; // FNV-1a
    for (let k = start; k < start + n; k++) h = Math.imul(h ^ (b[k] ?? 0), 0x01000193);
    let slot = h & (SLOTS - 1);
    for (;;) {
      const e = this.entry[slot] ?? 0;
      if (e === 0) break;
      if (this.hashes[slot] === h && this.length[slot] === n && this.same(b, start, n, this.at[slot] ?? 0)) {
        return e - 1;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    let s = '';
    for (let k = start; k < start + n; k++) s += String.fromCharCode(b[k] ?? 0);
    const index = this.dict.add(s);
    if (this.filled < SLOTS / 2 && this.used + n <= POOL) {
      this.entry[slot] = index + 1;
      this.hashes[slot] = h;
      this.at[slot] = this.used;
      this.length[slot] = n;
      this.pool.set(b.subarray(start, start + n), this.used);
      this.used += n;
      this.filled++;
    }
    return index;
  }

  private same(b: Uint8Array, start: number, n: number, at: number): boolean {
    const pool = this.pool;
    for (let k = 0; k < n; k++) if (b[start + k] !== pool[at + k]) return false;
    return true;
  }
}
