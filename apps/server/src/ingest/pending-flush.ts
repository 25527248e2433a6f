/**
 * The flush being gathered: the rows of the requests waiting for it, already encoded as RowBinary, and who
 * waits for them. Each request is encoded when it arrives (a few hundred µs), so a flush only hands finished
 * buffers to the engine and never holds the event loop for the whole batch.
 */
import { RowBinaryWriter } from '../storage/index.ts';
import type { BatchBinding } from './batch-ledger.ts';
import type { DataTable } from './data-tables.ts';
import type { Slice } from './flush-isolation.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One request of a flush: whom to answer, and where its rows are (for isolation after a refusal). */
export interface PendingRequest {
  waiter: Waiter;
  slices: Slice<DataTable>[];
  batchId: string | undefined;
  cluster: string;
  binding: BatchBinding;
}

/** A batch id in a flush not stored yet: a repeat waits for `stored` (or is refused when bound otherwise). */
export interface InProgressBatch {
  stored: Promise<void>;
  binding: BatchBinding;
}

export class PendingFlush {
  readonly writers = new Map<DataTable, RowBinaryWriter>();
  readonly rows = new Map<DataTable, number>();
  readonly requests: PendingRequest[] = [];
  readonly batchIds = new Map<string, InProgressBatch>();
  /** Rows that belong to no request (the server-side RED drained when the flush starts). */
  ownSlices: Slice<DataTable>[] = [];
  totalRows = 0;
  readonly openedAt = Date.now();
  /** Known before the first row is encoded: every row carries it (see batch-ledger.ts for why). */
  readonly flushId: bigint;

  readonly #pool: RowBinaryWriter[];

  /** `pool`: idle writers of earlier flushes, reused so their grown buffers are not allocated again. */
  constructor(flushId: bigint, pool: RowBinaryWriter[]) {
    this.flushId = flushId;
    this.#pool = pool;
  }

  writer(table: DataTable): RowBinaryWriter {
    let w = this.writers.get(table);
    if (!w) {
      w = this.#pool.pop() ?? new RowBinaryWriter(1024 * 1024);
      this.writers.set(table, w);
    }
    return w;
  }

  /** Hands the writers back once the engine no longer reads their bytes. */
  release(): void {
    for (const w of this.writers.values()) {
      w.reset();
      this.#pool.push(w);
    }
    this.writers.clear();
  }

  add(table: DataTable, rows: number): void {
    this.rows.set(table, (this.rows.get(table) ?? 0) + rows);
    this.totalRows += rows;
  }

  /** Where every writer ends now, to cut back to (`truncate`) or to slice from (`slicesSince`). */
  marks(): Map<DataTable, number> {
    return new Map([...this.writers].map(([table, w]) => [table, w.length]));
  }

  /** Cuts every writer back to `marks`: the bytes appended since are dropped (writers opened since, to 0). */
  truncate(marks: ReadonlyMap<DataTable, number>): void {
    for (const [table, w] of this.writers) w.truncate(marks.get(table) ?? 0);
  }

  /** The slices appended since `bytesBefore` / `rowsBefore` were taken. */
  slicesSince(
    bytesBefore: ReadonlyMap<DataTable, number>,
    rowsBefore: ReadonlyMap<DataTable, number>,
  ): Slice<DataTable>[] {
    const slices: Slice<DataTable>[] = [];
    for (const [table, w] of this.writers) {
      const start = bytesBefore.get(table) ?? 0;
      if (w.length === start) continue;
      const rows = (this.rows.get(table) ?? 0) - (rowsBefore.get(table) ?? 0);
      slices.push({ table, start, end: w.length, rows });
    }
    return slices;
  }
}
