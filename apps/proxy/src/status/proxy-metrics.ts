/**
 * The proxy's own metrics in Prometheus text format for `/metrics`: per agent what it received, what the
 * server acknowledged, what was refused and why, what is still queued; then the export path's per-signal
 * lines (`apo_proxy_export_*`) and the decisions relay. Names follow `apo_proxy_<what>_<unit>`.
 */
import { MetricText } from '@apo/otlp-transport';
import type { SignalType } from '@apo/shared/model';
import type { DecisionRelayStats } from '../decisions/decision-relay.ts';
import type { AgentRegistry, Tally } from './agent-registry.ts';

export interface ProxyMetricsInput {
  agents: AgentRegistry;
  /** renderExportMetrics(…, 'apo_proxy_export'). */
  exporterText: string;
  decisions: DecisionRelayStats;
  /** More lines (e.g. the Kubernetes part's). */
  extra: readonly string[];
}

const SIGNALS: SignalType[] = ['traces', 'logs', 'metrics'];
// Agent names are checked against a safe alphabet, but a label value must never break the format.
const label = (value: string): string => value.replace(/["\\\n]/g, '_');

export function proxyMetricsText(m: ProxyMetricsInput): string {
  const t = new MetricText();
  const perSignal = (pick: (c: ReturnType<AgentRegistry['counters']>) => Record<SignalType, Tally>) => {
    const batches: [string, number][] = [];
    const items: [string, number][] = [];
    for (const [agent, counters] of m.agents.entries()) {
      const tallies = pick(counters);
      for (const signal of SIGNALS) {
        const tally = tallies[signal];
        if (tally.batches === 0) continue;
        const labels = `{agent="${label(agent)}",signal="${signal}"}`;
        batches.push([labels, tally.batches]);
        items.push([labels, tally.items]);
      }
    }
    return { batches, items };
  };
  const received = perSignal((c) => c.received);
  t.metric(
    'apo_proxy_received_batches_total',
    'counter',
    'Requests accepted from agents (each one batch, on the disk queue before the agent was answered).',
    received.batches,
  );
  t.metric(
    'apo_proxy_received_items_total',
    'counter',
    'Spans, log records or metric points accepted from agents.',
    received.items,
  );
  const forwarded = perSignal((c) => c.forwarded);
  t.metric(
    'apo_proxy_forwarded_batches_total',
    'counter',
    "Agents' batches the server acknowledged.",
    forwarded.batches,
  );
  t.metric(
    'apo_proxy_forwarded_items_total',
    'counter',
    "Items in agents' batches the server acknowledged.",
    forwarded.items,
  );
  const refused = perSignal((c) => c.refusedUpstream);
  t.metric(
    'apo_proxy_upstream_rejected_batches_total',
    'counter',
    "Agents' batches the server refused for good (not retried; see the exporter's last error).",
    refused.batches,
  );
  const rejectedRequests: [string, number][] = [];
  const rejectedItems: [string, number][] = [];
  for (const [agent, counters] of m.agents.entries()) {
    for (const [reason, tally] of Object.entries(counters.rejected)) {
      const labels = `{agent="${label(agent)}",reason="${reason}"}`;
      rejectedRequests.push([labels, tally.batches]);
      rejectedItems.push([labels, tally.items]);
    }
  }
  t.metric(
    'apo_proxy_rejected_requests_total',
    'counter',
    'Requests refused by the proxy, by reason (unauthenticated, malformed, too_large, unsupported_media, rate_limited, queue_full, unavailable).',
    rejectedRequests,
  );
  t.metric(
    'apo_proxy_rejected_items_total',
    'counter',
    'Items in refused requests, where they were counted before the refusal (rate_limited, queue_full).',
    rejectedItems,
  );
  const queued: [string, number][] = [];
  for (const [agent, c] of m.agents.entries()) {
    let n = 0;
    for (const s of SIGNALS)
      n += c.received[s].batches - c.forwarded[s].batches - c.refusedUpstream[s].batches;
    if (n !== 0 || SIGNALS.some((s) => c.received[s].batches > 0))
      queued.push([`{agent="${label(agent)}"}`, Math.max(0, n)]);
  }
  t.metric(
    'apo_proxy_queued_batches',
    'gauge',
    "Agents' batches accepted since this process started and not yet settled with the server (a backlog found on disk at start is in apo_proxy_export_queued_batches only).",
    queued,
  );
  const d = m.decisions;
  t.metric('apo_proxy_decisions_posted_total', 'counter', 'Sampling decisions agents posted.', [
    ['', d.posted],
  ]);
  t.metric('apo_proxy_decisions_forwarded_total', 'counter', 'Sampling decisions posted on to the server.', [
    ['', d.forwarded],
  ]);
  t.metric(
    'apo_proxy_decisions_received_total',
    'counter',
    'Sampling decisions the upstream long poll brought in.',
    [['', d.received]],
  );
  t.metric('apo_proxy_decisions_waiting_polls', 'gauge', "Agents' long polls waiting now.", [
    ['', d.waiting],
  ]);
  t.metric(
    'apo_proxy_decisions_upstream_errors_total',
    'counter',
    'Failed requests to the server for sampling decisions.',
    [['', d.upstreamErrors]],
  );
  return t.toString() + m.exporterText + m.extra.join('');
}
