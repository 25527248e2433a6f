import type { LogsData, MetricsData, TracesData } from '@apo/shared/model';

export type DecodedBatch =
  | { signal: 'traces'; data: TracesData }
  | { signal: 'logs'; data: LogsData }
  | { signal: 'metrics'; data: MetricsData };

/** Records as OTLP counts them in partial-success answers: spans, log records, data points. */
export function countRecords(batch: DecodedBatch): number {
  let n = 0;
  switch (batch.signal) {
    case 'traces':
      for (const rs of batch.data.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
      return n;
    case 'logs':
      for (const rl of batch.data.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
      return n;
    case 'metrics':
      for (const rm of batch.data.resourceMetrics)
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics) n += m.data.type === 'empty' ? 0 : m.data.points.length;
      return n;
  }
}
