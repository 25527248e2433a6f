/** Topology edges and computed windows → RowBinary rows of `topology_edges` and `topology_windows`. */
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { topologyEdgesTable, topologyWindowsTable } from '../tables/topology-edges.ts';
import type { TopologyEdgeRow, TopologyWindowRow } from '../tables/topology-edges.ts';
import { writeRow } from '../tables/table-def.ts';

/** Appends one row per edge; returns the number of rows written. */
export function appendTopologyEdgeRows(w: RowBinaryWriter, rows: readonly TopologyEdgeRow[]): number {
  for (const row of rows) writeRow(w, topologyEdgesTable.columns, row);
  return rows.length;
}

export function appendTopologyWindowRow(w: RowBinaryWriter, row: TopologyWindowRow): number {
  writeRow(w, topologyWindowsTable.columns, row);
  return 1;
}
