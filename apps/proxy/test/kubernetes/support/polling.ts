import { gunzipSync } from 'node:zlib';
import { type LogRecord, type Resource } from '@apo/shared/model';
import { decodeLogsProto } from '@apo/shared/otlp';
import type { OutboundBatch } from '@apo/otlp-transport';

/** Polls until `check` returns a value (generous deadline: the machine may be loaded). */
export async function eventually<T>(
  check: () => T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface DecodedEvent {
  batchId: string;
  resource: Resource;
  record: LogRecord;
}

/** A queued event batch decoded back with the shared codec: exactly one record per batch. */
export function decodeEventBatch(batch: OutboundBatch): DecodedEvent {
  if (
    batch.signal !== 'logs' ||
    batch.contentEncoding !== 'gzip' ||
    batch.contentType !== 'application/x-protobuf'
  )
    throw new Error(`unexpected batch shape: ${batch.signal} ${batch.contentType} ${batch.contentEncoding}`);
  const decoded = decodeLogsProto(gunzipSync(batch.body));
  if (!decoded.ok) throw decoded.error;
  const [rl] = decoded.value.resourceLogs;
  const record = rl?.scopeLogs[0]?.logRecords[0];
  if (rl === undefined || record === undefined || decoded.value.resourceLogs.length !== 1)
    throw new Error('an event batch holds exactly one record');
  return { batchId: batch.batchId, resource: rl.resource, record };
}
