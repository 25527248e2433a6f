/**
 * The whole trace at a glance: span density over time (x) and row order (y), from the model's minimap
 * grid, with the zoomed window outlined. Drag across it to zoom in time; click to jump to that part.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { MINIMAP_HEIGHT, MINIMAP_WIDTH } from '../model/trace-model.ts';
import { canvasTheme } from './span-colors.ts';
import type { WaterfallState } from './waterfall-state.ts';

const HEIGHT = 48;

export function Minimap({
  state,
  version,
  onChange,
}: {
  state: WaterfallState;
  version: number;
  onChange: () => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const width = el.clientWidth || 600;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(width * dpr);
    el.height = HEIGHT * dpr;
    const ctx = el.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const theme = canvasTheme(el);
    ctx.clearRect(0, 0, width, HEIGHT);
    const grid = state.model.minimap;
    let max = 0;
    for (const v of grid) max = Math.max(max, v);
    const cw = width / MINIMAP_WIDTH;
    const ch = HEIGHT / MINIMAP_HEIGHT;
    ctx.fillStyle = theme.accent;
    for (let y = 0; y < MINIMAP_HEIGHT; y++) {
      for (let x = 0; x < MINIMAP_WIDTH; x++) {
        const v = grid[y * MINIMAP_WIDTH + x] ?? 0;
        if (v <= 0) continue;
        ctx.globalAlpha = 0.2 + 0.8 * Math.sqrt(v / max);
        ctx.fillRect(x * cw, y * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
    ctx.globalAlpha = 1;
    const end = Math.max(1, state.model.endNs);
    const wx0 = (state.windowStart / end) * width;
    const wx1 = (state.windowEnd / end) * width;
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1;
    ctx.strokeRect(wx0 + 0.5, 0.5, Math.max(2, wx1 - wx0) - 1, HEIGHT - 1);
    if (drag !== null) {
      ctx.fillStyle = theme.accent;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(Math.min(drag.from, drag.to), 0, Math.abs(drag.to - drag.from), HEIGHT);
      ctx.globalAlpha = 1;
    }
  }, [state, version, drag]);

  const pos = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top, w: r.width };
  };
  return (
    <canvas
      ref={ref}
      className="minimap"
      aria-label="Minimap of the whole trace: drag to zoom in time, click to jump"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag({ from: pos(e).x, to: pos(e).x });
      }}
      onPointerMove={(e) => drag !== null && setDrag({ from: drag.from, to: pos(e).x })}
      onPointerUp={(e) => {
        const p = pos(e);
        const end = state.model.endNs;
        if (drag !== null && Math.abs(p.x - drag.from) > 3) {
          state.zoom((drag.from / p.w) * end, (p.x / p.w) * end);
        } else {
          // A click: the span at that height of the full tree, revealed and selected.
          const order = state.model.tree.order;
          const span = order[Math.min(order.length - 1, Math.floor((p.y / HEIGHT) * order.length))];
          if (span !== undefined) state.select(span);
        }
        setDrag(null);
        onChange();
      }}
    />
  );
}
