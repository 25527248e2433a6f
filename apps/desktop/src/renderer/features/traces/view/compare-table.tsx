/**
 * The comparison's table: one row per call path of either trace, indented by depth, the two traces'
 * calls, summed durations and self times side by side, the delta, and what changed — in words and a mark,
 * never colour alone. "Only changes" keeps the changed paths and the paths above them.
 */
import { useMemo } from 'react';
import { formatChangePercent } from '../../../ui/format/units.ts';
import { DataTable, type Column } from '../../../ui/data-table/data-table.tsx';
import type { Change, CompareRow, TraceComparison } from '../model/trace-compare.ts';
import { formatNs } from './format-ns.ts';

const CHANGE_TEXT: Record<Change, string> = {
  same: '',
  added: '+ added',
  missing: '− missing',
  slower: '▲ slower',
  faster: '▼ faster',
};

/** A signed duration: "+60 ms", "−15 ms", "±0". */
export function formatDeltaNs(ns: number): string {
  if (ns === 0) return '±0';
  return `${ns > 0 ? '+' : '−'}${formatNs(Math.abs(ns))}`;
}

const num = (v: number | undefined, f: (n: number) => string) => (v === undefined ? '—' : f(v));
const count = (n: number) => n.toLocaleString('en-US');

const COLUMNS: Column<CompareRow>[] = [
  {
    id: 'path',
    header: 'Call path',
    className: 'cmp-path',
    cell: (r) => (
      <span style={{ paddingLeft: Math.min(r.depth, 30) * 14 }} title={`${r.service}: ${r.name}`}>
        {r.name} <span className="muted">{r.service}</span>
      </span>
    ),
  },
  { id: 'callsA', header: 'Calls A', numeric: true, cell: (r) => num(r.a?.calls, count) },
  { id: 'callsB', header: 'Calls B', numeric: true, cell: (r) => num(r.b?.calls, count) },
  { id: 'durA', header: 'Duration A', numeric: true, cell: (r) => num(r.a?.durationNs, formatNs) },
  { id: 'durB', header: 'Duration B', numeric: true, cell: (r) => num(r.b?.durationNs, formatNs) },
  {
    id: 'delta',
    header: 'Δ',
    numeric: true,
    cell: (r) => (
      <span data-testid="cmp-delta">
        {formatDeltaNs(r.deltaNs)}
        {r.a !== null && r.b !== null && r.a.durationNs > 0 && (
          <span className="muted"> ({formatChangePercent((100 * r.deltaNs) / r.a.durationNs)})</span>
        )}
      </span>
    ),
  },
  { id: 'selfA', header: 'Self A', numeric: true, cell: (r) => num(r.a?.selfNs, formatNs) },
  { id: 'selfB', header: 'Self B', numeric: true, cell: (r) => num(r.b?.selfNs, formatNs) },
  {
    id: 'change',
    header: 'Change',
    className: 'cmp-change',
    cell: (r) => <span data-change={r.change}>{CHANGE_TEXT[r.change]}</span>,
  },
];

export function CompareTable({
  comparison,
  onlyChanges,
}: {
  comparison: TraceComparison;
  onlyChanges: boolean;
}) {
  const rows = useMemo(
    () => (onlyChanges ? comparison.rows.filter((r) => r.changedBelow) : comparison.rows),
    [comparison, onlyChanges],
  );
  return (
    <DataTable
      label="Call paths compared"
      rows={rows}
      columns={COLUMNS}
      rowKey={(r) => String(r.index)}
      rowClassName={(r) => (r.change === 'same' ? undefined : `cmp-${r.change}`)}
      estimateRowHeight={28}
    />
  );
}
