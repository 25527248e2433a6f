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

/** Lays out the drawn graph in a worker; a newer graph supersedes an answer still on its way. */
export function useMapLayout(nodes: ServiceMapNode[], edges: TopologyEdge[]): LayoutState {
  const worker = useRef<Worker | null>(null);
  const latest = useRef(0);
  const [state, setState] = useState<LayoutState>({ status: 'pending' });
  useEffect(() => {
    const w = new Worker(new URL('./map-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);
  useEffect(() => {
    const w = worker.current;
    if (w === null) return;
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
