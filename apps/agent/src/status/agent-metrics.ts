/**
 * The agent's own metrics in Prometheus text format for `/metrics`: what it received, what the sampler
 * decided, what is queued, exported and dropped. Names follow `apo_agent_<what>_<unit>`.
 */
import { MetricText } from '@apo/otlp-transport';
import type { RedAggregatorStats } from '@apo/shared/red';
import type { IntakeCounters } from '../receivers/otlp-intake.ts';
import type { DecisionSyncStats } from '../processors/traces/decision-sync.ts';
import type { SamplerStats } from '../processors/traces/tail-sampler.ts';
import type { TracePipelineStats } from '../processors/traces/trace-pipeline.ts';

export interface AgentMetricsInput {
  intake: IntakeCounters;
  /** The exporter's per-signal lines (enqueued, exported, retried, rejected, dropped, queued). */
  exporterText: string;
  traces: TracePipelineStats;
  sampler: SamplerStats | undefined;
  decisions: DecisionSyncStats | undefined;
  red: RedAggregatorStats;
  /** More lines from collectors (host, processes, logs, scrapes). */
  extra?: string[];
}

export function agentMetricsText(m: AgentMetricsInput): string {
  const t = new MetricText();
  t.metric('apo_agent_received_spans_total', 'counter', 'Spans accepted from senders.', [
    ['', m.intake.spans],
  ]);
  t.metric('apo_agent_received_log_records_total', 'counter', 'Log records accepted from senders.', [
    ['', m.intake.logRecords],
  ]);
  t.metric('apo_agent_received_metric_points_total', 'counter', 'Metric points accepted from senders.', [
    ['', m.intake.metricPoints],
  ]);
  t.metric(
    'apo_agent_refused_requests_total',
    'counter',
    'OTLP requests refused, by reason.',
    Object.entries(m.intake.refused).map(([reason, n]) => [`{reason="${reason}"}`, n]),
  );
  t.metric('apo_agent_sampler_kept_spans_total', 'counter', 'Spans kept by tail sampling and forwarded.', [
    ['', m.traces.keptSpans],
  ]);
  t.metric('apo_agent_sampler_dropped_spans_total', 'counter', 'Spans dropped by tail sampling.', [
    ['', m.traces.droppedSpans],
  ]);
  t.metric('apo_agent_sampler_held_requests', 'gauge', 'Requests held until their traces are decided.', [
    ['', m.traces.heldRequests],
  ]);
  t.metric(
    'apo_agent_sampler_forwarding_requests',
    'gauge',
    'Decided requests whose kept spans are not in the export queue yet.',
    [['', m.traces.forwardingRequests]],
  );
  t.metric(
    'apo_agent_sampler_held_bytes',
    'gauge',
    'Bytes of the requests held (bounded; the oldest are decided early).',
    [['', m.traces.heldBytes]],
  );
  if (m.sampler) {
    const s = m.sampler;
    t.metric(
      'apo_agent_sampler_kept_traces_total',
      'counter',
      'Traces kept, by reason.',
      Object.entries(s.kept).map(([reason, n]) => [`{reason="${reason}"}`, n]),
    );
    t.metric('apo_agent_sampler_dropped_traces_total', 'counter', 'Traces not kept.', [['', s.dropped]]);
    t.metric(
      'apo_agent_sampler_capped_traces_total',
      'counter',
      'Error / slow keeps refused by the per-endpoint cap.',
      [
        ['{rule="error"}', s.cappedError],
        ['{rule="slow"}', s.cappedSlow],
      ],
    );
    t.metric('apo_agent_sampler_held_traces', 'gauge', 'Traces waiting for a decision.', [['', s.held]]);
    t.metric(
      'apo_agent_sampler_forced_early_total',
      'counter',
      'Traces decided before their hold ended (memory bound).',
      [['', s.forcedEarly]],
    );
    t.metric('apo_agent_sampler_span_rate', 'gauge', 'Spans per second the sampler sees (30 s window).', [
      ['', s.spanRate],
    ]);
    t.metric(
      'apo_agent_sampler_late_remote_total',
      'counter',
      'Remote keeps that arrived after the trace was dropped.',
      [['', s.lateRemote]],
    );
  }
  if (m.decisions) {
    t.metric('apo_agent_decisions_posted_total', 'counter', 'Keep decisions shared with other agents.', [
      ['', m.decisions.posted],
    ]);
    t.metric('apo_agent_decisions_received_total', 'counter', 'Keep decisions received from other agents.', [
      ['', m.decisions.received],
    ]);
    t.metric('apo_agent_decisions_errors_total', 'counter', 'Failed decision exchanges.', [
      ['', m.decisions.errors],
    ]);
  }
  t.metric('apo_agent_red_spans_total', 'counter', 'Spans aggregated into RED.', [['', m.red.spans]]);
  t.metric(
    'apo_agent_red_folded_spans_total',
    'counter',
    'Spans folded into __other__ series by the series cap.',
    [['', m.red.foldedSpans]],
  );
  t.metric('apo_agent_red_series', 'gauge', 'RED series in the current interval.', [['', m.red.series]]);

  const mem = process.memoryUsage();
  t.metric(
    'apo_agent_memory_bytes',
    'gauge',
    'Memory of the agent process by kind (Node.js process.memoryUsage()).',
    [
      ['{kind="rss"}', mem.rss],
      ['{kind="heap_used"}', mem.heapUsed],
      ['{kind="heap_total"}', mem.heapTotal],
      ['{kind="external"}', mem.external],
      ['{kind="array_buffers"}', mem.arrayBuffers],
    ],
  );
  return t.toString() + m.exporterText + (m.extra ?? []).join('');
}
