/**
 * One window of the topology job: read its calls, label them into edge rows, write them and record the
 * window as computed. Writing the same window twice writes the same rows (storage/tables/topology-edges.ts).
 */
import { appendTopologyEdgeRows, appendTopologyWindowRow, RowBinaryWriter } from '../../storage/index.ts';
import type { Storage } from '../../storage/index.ts';
import { edgeRows } from './edge-structure.ts';
import { latestWindow, windowCalls } from './topology-queries.ts';

/** Computes and stores the edges of [windowMs, windowMs + 1 min); returns the edge rows written. */
export async function computeWindow(storage: Storage, windowMs: number): Promise<number> {
  const rows = edgeRows(windowMs, await windowCalls(storage, windowMs));
  if (rows.length === 0) return 0;
  const w = new RowBinaryWriter();
  const n = appendTopologyEdgeRows(w, rows);
  await storage.insertRowBinary(storage.tables.topology_edges, w.bytes(), n);
  return n;
}

/** Records that the window was computed: where the job resumes after a restart. */
export async function recordWindow(
  storage: Storage,
  windowMs: number,
  computedAtMs: number,
  edgeRows: number,
): Promise<void> {
  const w = new RowBinaryWriter();
  const n = appendTopologyWindowRow(w, { windowMs, computedAtMs, edgeRows });
  await storage.insertRowBinary(storage.tables.topology_windows, w.bytes(), n);
}

export const latestComputedWindow = latestWindow;
