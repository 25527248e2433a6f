/**
 * One window of the topology job: read its calls, label them into edge rows, write them, compute the
 * window's delay-source sums (features/delay/delay-source-window.ts), and record the window as computed.
 * Writing the same window twice writes the same rows (storage/tables/topology-edges.ts, delay-source.ts).
 */
import { appendTopologyEdgeRows, appendTopologyWindowRow, RowBinaryWriter } from '../../storage/index.ts';
import type { Storage } from '../../storage/index.ts';
import { computeDelayWindow } from '../delay/delay-source-window.ts';
import { edgeRows } from './edge-structure.ts';
import { latestWindow, windowCalls } from './topology-queries.ts';

/** What computing a window wrote. */
export interface WindowRows {
  edgeRows: number;
  delayRows: number;
}

/** Computes and stores the edges and delay-source sums of [windowMs, windowMs + 1 min). */
export async function computeWindow(storage: Storage, windowMs: number): Promise<WindowRows> {
  return {
    edgeRows: await computeEdges(storage, windowMs),
    delayRows: await computeDelayWindow(storage, windowMs),
  };
}

async function computeEdges(storage: Storage, windowMs: number): Promise<number> {
  const rows = edgeRows(windowMs, await windowCalls(storage, windowMs));
  if (rows.length === 0) return 0;
  const w = new RowBinaryWriter();
  const n = appendTopologyEdgeRows(w, rows);
  await storage.insertRowBinary(storage.tables.topology_edges, w.bytes(), n);
  return n;
}

/**
 * Records that the window was computed: where the job resumes after a restart, and (with its delay rows)
 * which minutes `services.delaySource` reads from `delay_source_1m` rather than from spans.
 */
export async function recordWindow(
  storage: Storage,
  windowMs: number,
  computedAtMs: number,
  rows: WindowRows,
): Promise<void> {
  const w = new RowBinaryWriter();
  const n = appendTopologyWindowRow(w, { windowMs, computedAtMs, ...rows });
  await storage.insertRowBinary(storage.tables.topology_windows, w.bytes(), n);
}

export const latestComputedWindow = latestWindow;
