/**
 * Server-side RED as a stage of ingest, for OTLP that arrives without an agent: what it is shown, when its
 * rows leave, and what it counts. The aggregation itself is RedIngest's (red-ingest.ts); the bytes are the
 * flush encoder's (flush-encoding.ts): this stage hands over rows, never touches a flush's buffers.
 *
 * Exactly once: the writer shows the stage only requests it is about to store — after the batch ledger
 * and the in-progress batch ids turned away repeats, and after the request's own rows were encoded — so a
 * batch id repeated by a retry is never counted again. With `intervalMs` 0 the aggregates of a flush's spans
 * leave with that very flush, under the same ledger entries: stored together, removed together when it
 * fails. A larger interval trades that for fewer inserts (two more inserts, and parts to merge, per flush
 * cost the engine about as much as the spans themselves): a crash can then lose the last interval of these
 * aggregates, never a span.
 */
import type { MetricsData, ResourceSpans } from '@apo/shared/model';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { RedIngest, type RedIngestRows } from './red-ingest.ts';

/** What the writer asks of the server-side RED. */
export interface RedStage {
  /**
   * The rollup rows of the RED points of a metrics request (what agents computed); nothing is kept, so the
   * request may still fail to encode. Count them with `counted` once they are in the flush.
   */
  metricsRollups(data: MetricsData, cluster: string, nowMs: number): RedIngestRows;
  /**
   * Aggregates the spans of a traces request whose rows are in the pending flush: call it only once they
   * are encoded, since what is added cannot be taken back.
   */
  addSpans(resourceSpans: readonly ResourceSpans[], cluster: string, nowMs: number): void;
  /** At a flush's start: the rows of the aggregates that leave with it (all of them when `closing`). */
  due(nowMs: number, closing: boolean): RedIngestRows;
  /** `rows` are in a flush now: counts the points and rows they left out. */
  counted(rows: RedIngestRows): void;
  /** Aggregates wait to be written: a closing writer flushes once more for them. */
  readonly hasPending: boolean;
}

export type RedStageMetrics = Pick<IngestMetrics, 'redPointsSkipped' | 'redRowsOutOfRange'>;

export class ServerRedStage implements RedStage {
  readonly #red: RedIngest;
  readonly #intervalMs: number;
  readonly #metrics: RedStageMetrics;

  /**
   * `retentionDays`: the rollups' retention (rows outside it are dropped and counted). `intervalMs`: how
   * often the aggregates of spans are written, 0 = with every flush (see above and server-config.ts).
   */
  constructor(retentionDays: number, intervalMs: number, metrics: RedStageMetrics, nowMs = Date.now()) {
    this.#red = new RedIngest(retentionDays, nowMs);
    this.#intervalMs = intervalMs;
    this.#metrics = metrics;
  }

  metricsRollups(data: MetricsData, cluster: string, nowMs: number): RedIngestRows {
    return this.#red.fromMetrics(data, cluster, nowMs);
  }

  addSpans(resourceSpans: readonly ResourceSpans[], cluster: string, nowMs: number): void {
    this.#red.addSpans(resourceSpans, cluster, nowMs);
  }

  /**
   * The aggregates are sharded and one due shard leaves per flush, so no flush start holds the event loop
   * for the whole interval's rows; with an interval of 0 (exactly once) or when closing, all of them.
   */
  due(nowMs: number, closing: boolean): RedIngestRows {
    return closing || this.#intervalMs === 0
      ? this.#red.drainSpans(nowMs)
      : this.#red.drainDue(nowMs, this.#intervalMs);
  }

  counted(rows: RedIngestRows): void {
    if (rows.skippedPoints > 0) this.#metrics.redPointsSkipped.inc(rows.skippedPoints);
    if (rows.outOfRangeRows > 0) this.#metrics.redRowsOutOfRange.inc(rows.outOfRangeRows);
  }

  get hasPending(): boolean {
    return this.#red.hasPending;
  }
}
