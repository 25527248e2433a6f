/** How topology nodes and edge figures read in the console (the panel and the map share it). */
import type { TopologyEdge, TopologyNode, TopologyNodeKind } from '@apo/shared/console';
import { formatChangePercent, formatValue } from '../../ui/format/units.ts';

/** Shape and word, never colour alone. */
export const KIND_LABEL: Record<TopologyNodeKind, { icon: string; text: string }> = {
  service: { icon: '◆', text: 'service' },
  database: { icon: '⛁', text: 'database' },
  external: { icon: '⇱', text: 'external host' },
  queue: { icon: '☰', text: 'queue' },
};

export function nodeTitle(node: TopologyNode): string {
  const system = node.system !== '' && node.system !== 'http' ? ` (${node.system})` : '';
  return `${KIND_LABEL[node.kind].text} ${node.name}${system}${node.cluster ? ` · cluster ${node.cluster}` : ''}`;
}

/** "12 req/s · 0.5 % err · p95 40 ms" */
export function edgeSummary(edge: TopologyEdge): string {
  const { now } = edge;
  return [
    formatValue(now.rate, 'reqPerSec'),
    `${formatValue(now.errorRate, 'ratio')} err`,
    `p95 ${formatValue(now.latencyP95, 'ms')}`,
  ].join(' · ');
}

/** The change a tired reader needs: the worst of latency and error rate, else the rate's. */
export function edgeChange(edge: TopologyEdge, compareLabel: string): string {
  const { change } = edge;
  if (change.latencyP95 === null && change.errorRate === null && change.rate === null)
    return `no data ${compareLabel}`;
  const parts = [
    change.latencyP95 === null ? null : `p95 ${formatChangePercent(change.latencyP95)}`,
    change.errorRate === null ? null : `err ${formatChangePercent(change.errorRate)}`,
    change.rate === null ? null : `rate ${formatChangePercent(change.rate)}`,
  ].filter((p): p is string => p !== null);
  return `${parts.join(', ')} ${compareLabel}`;
}
