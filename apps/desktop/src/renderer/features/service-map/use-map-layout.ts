import type { ServiceMapNode, TopologyEdge } from '@apo/shared/console';
import { useEffect, useRef, useState } from 'react';
import { nodeSize } from './map-canvas.tsx';
import type { LayoutResult } from './map-layout.ts';

type LayoutState =
  | { status: 'pending' }
  | { status: 'done'; layout: LayoutResult; /** Post to answer on the main thread, ms. */ totalMs: number }
  | { status: 'failed'; message: string };

function isLayoutAnswer(v: unknown): v is { id: number; result?: LayoutResult; error?: string } {
  return typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'number';
}

let shared: Worker | undefined;

/**
 * The one layout worker, started when the map page first renders — while its data is still on the way, so
 * the worker's start-up is not added to the first paint — and kept for the session.
 */
export function layoutWorker(): Worker {
  shared ??= new Worker(new URL('./map-layout.worker.ts', import.meta.url), { type: 'module' });
  return shared;
}

/** Lays out the drawn graph in the worker; a newer graph supersedes an answer still on its way. */
export function useMapLayout(nodes: ServiceMapNode[], edges: TopologyEdge[]): LayoutState {
  const latest = useRef(0);
  const [state, setState] = useState<LayoutState>({ status: 'pending' });
  useEffect(() => {
    const w = layoutWorker();
    const id = ++latest.current;
    const posted = performance.now();
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (!isLayoutAnswer(data) || data.id !== latest.current) return;
      if (data.result !== undefined)
        setState({ status: 'done', layout: data.result, totalMs: performance.now() - posted });
      else setState({ status: 'failed', message: data.error ?? 'the layout failed' });
    };
    const onError = (event: ErrorEvent) =>
      setState({ status: 'failed', message: event.message || 'the layout worker failed' });
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    w.postMessage({
      id,
      graph: {
        nodes: nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
        edges: edges.map((e) => ({ id: e.id, from: e.from, to: e.to })),
      },
    });
    return () => {
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
    };
  }, [nodes, edges]);
  return state;
}
