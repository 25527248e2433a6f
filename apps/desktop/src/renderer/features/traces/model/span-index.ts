/**
 * Span id → span index for a million spans without a million string keys: open addressing over the ids'
 * two 32-bit words, in typed arrays (12 bytes a slot at half load, against ~100 for a Map of hex strings).
 */
export class SpanIndex {
  private readonly keys: Uint32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(ids: Uint32Array, count: number) {
    let cap = 16;
    while (cap < count * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap * 2);
    this.values = new Int32Array(cap).fill(-1);
    // The first span with an id wins: a duplicated id (a broken exporter) must not steal its children.
    for (let i = 0; i < count; i++) {
      const hi = ids[2 * i] ?? 0;
      const lo = ids[2 * i + 1] ?? 0;
      let slot = this.slotOf(hi, lo);
      while (this.values[slot] !== -1) {
        if (this.keys[2 * slot] === hi && this.keys[2 * slot + 1] === lo) break;
        slot = (slot + 1) & this.mask;
      }
      if (this.values[slot] === -1) {
        this.keys[2 * slot] = hi;
        this.keys[2 * slot + 1] = lo;
        this.values[slot] = i;
      }
    }
  }

  /** The index of the span with this id, or -1. */
  find(hi: number, lo: number): number {
    let slot = this.slotOf(hi, lo);
    for (;;) {
      const v = this.values[slot] ?? -1;
      if (v === -1) return -1;
      if (this.keys[2 * slot] === hi && this.keys[2 * slot + 1] === lo) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  private slotOf(hi: number, lo: number): number {
    return (Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 7) & this.mask;
  }
}
