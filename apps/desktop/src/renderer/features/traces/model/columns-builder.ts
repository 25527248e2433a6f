/**
 * Collects a trace's spans as they arrive (server frames, or spans parsed from a file) into one set of
 * growing columns and one string dictionary; `finish` hands out exactly-sized columns.
 */
import { allocateSpanColumns, sliceSpanColumns, type SpanColumns } from '@apo/shared/console';

export class ColumnsBuilder {
  strings: string[] = [];
  private cols: SpanColumns = allocateSpanColumns(1024);
  count = 0;

  /** Room for `more` spans; returns the index of the first. */
  reserve(more: number): number {
    const need = this.count + more;
    if (need > this.cols.count) {
      let cap = this.cols.count;
      while (cap < need) cap *= 2;
      const next = allocateSpanColumns(cap);
      const c = this.cols;
      next.spanIds.set(c.spanIds);
      next.parentIds.set(c.parentIds);
      next.name.set(c.name);
      next.service.set(c.service);
      next.startNs.set(c.startNs);
      next.durationNs.set(c.durationNs);
      next.status.set(c.status);
      next.kind.set(c.kind);
      this.cols = next;
    }
    const at = this.count;
    this.count = need;
    return at;
  }

  /** The columns being filled (valid up to `count`); re-read after each `reserve`. */
  get columns(): SpanColumns {
    return this.cols;
  }

  /** Appends a batch whose string indexes already refer to `strings`. */
  append(batch: SpanColumns): void {
    const at = this.reserve(batch.count);
    const c = this.cols;
    c.spanIds.set(batch.spanIds.subarray(0, 2 * batch.count), 2 * at);
    c.parentIds.set(batch.parentIds.subarray(0, 2 * batch.count), 2 * at);
    c.name.set(batch.name.subarray(0, batch.count), at);
    c.service.set(batch.service.subarray(0, batch.count), at);
    c.startNs.set(batch.startNs.subarray(0, batch.count), at);
    c.durationNs.set(batch.durationNs.subarray(0, batch.count), at);
    c.status.set(batch.status.subarray(0, batch.count), at);
    c.kind.set(batch.kind.subarray(0, batch.count), at);
  }

  finish(): SpanColumns {
    return sliceSpanColumns(this.cols, this.count);
  }
}
