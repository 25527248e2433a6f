/**
 * A request's rows into the pending flush, as RowBinary, and the server-side RED's rows at a flush's start.
 * All or nothing: when encoding fails half-way, the bytes already appended are cut off again so the other
 * requests of the flush are not poisoned.
 */
import {
  appendEventRows,
  appendLogRows,
  appendMetricRows,
  appendRedClientRows,
  appendRedServerRows,
  appendSpanRows,
} from '../storage/index.ts';
import { IngestError } from '@apo/otlp-transport';
import type { DataTable } from './data-tables.ts';
import type { DecodedBatch } from './decoded-batch.ts';
import type { Slice } from './flush-isolation.ts';
import type { PendingFlush } from './pending-flush.ts';
import type { RedIngestRows } from './red-ingest.ts';
import type { RedStage } from './red-stage.ts';

/**
 * Appends the rows of one request to `flush` and returns where they are (for isolation after a refusal).
 * Throws a `malformed` IngestError, with nothing of the request left in the flush, when a row cannot be
 * encoded.
 */
export function encodeRequest(
  flush: PendingFlush,
  batch: DecodedBatch,
  cluster: string,
  red: RedStage,
): Slice<DataTable>[] {
  const ctx = { cluster, flushId: flush.flushId };
  const marks = flush.marks();
  const rowsBefore = new Map(flush.rows);
  try {
    switch (batch.signal) {
      case 'traces': {
        const spans = appendSpanRows(flush.writer('spans'), batch.data, ctx);
        // After the spans are encoded (what is aggregated cannot be taken back); the rows of the
        // aggregates join a flush when it starts (encodeDueRed).
        red.addSpans(batch.data.resourceSpans, cluster, Date.now());
        flush.add('spans', spans);
        break;
      }
      case 'logs': {
        const logs = appendLogRows(flush.writer('logs'), batch.data, ctx);
        const events = appendEventRows(flush.writer('events'), batch.data, ctx);
        flush.add('logs', logs);
        flush.add('events', events);
        break;
      }
      case 'metrics': {
        // RED points go to the rollups only; appendMetricRows leaves them out.
        const rollups = red.metricsRollups(batch.data, cluster, Date.now());
        const metrics = appendMetricRows(flush.writer('metrics'), batch.data, ctx);
        const appended = appendRedRows(flush, rollups);
        flush.add('metrics', metrics);
        addRedRows(flush, appended);
        red.counted(rollups);
        break;
      }
    }
  } catch (err) {
    flush.truncate(marks);
    throw new IngestError('malformed', `cannot store the request: ${(err as Error).message}`);
  }
  return flush.slicesSince(marks, rowsBefore);
}

/**
 * Appends the server-side RED rows due at the start of `flush` as rows of no request (`ownSlices`). When
 * they cannot be encoded (not expected: the rows come from our own aggregator), nothing of them is left in
 * the flush and the error is thrown for the writer to log: the flush's requests are still worth storing.
 */
export function encodeDueRed(flush: PendingFlush, red: RedStage, closing: boolean): void {
  const marks = flush.marks();
  try {
    const rows = red.due(Date.now(), closing);
    const rowsBefore = new Map(flush.rows);
    addRedRows(flush, appendRedRows(flush, rows));
    red.counted(rows);
    flush.ownSlices = flush.slicesSince(marks, rowsBefore);
  } catch (err) {
    flush.truncate(marks);
    throw err;
  }
}

/** Appends rollup rows to the flush's writers; returns how many, for `addRedRows` once all is encoded. */
function appendRedRows(flush: PendingFlush, red: RedIngestRows): { server: number; client: number } {
  return {
    server:
      red.server.length === 0
        ? 0
        : appendRedServerRows(flush.writer('red_server_1m'), red.server, flush.flushId),
    client:
      red.client.length === 0
        ? 0
        : appendRedClientRows(flush.writer('red_client_1m'), red.client, flush.flushId),
  };
}

function addRedRows(flush: PendingFlush, rows: { server: number; client: number }): void {
  if (rows.server > 0) flush.add('red_server_1m', rows.server);
  if (rows.client > 0) flush.add('red_client_1m', rows.client);
}
