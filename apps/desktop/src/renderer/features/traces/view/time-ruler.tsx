/**
 * The time axis above the bars, for the zoomed window; drag across it to zoom into that part.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { formatNs } from './format-ns.ts';
import { canvasTheme } from './span-colors.ts';
import { nameColumnWidth } from './waterfall.tsx';
import type { WaterfallState } from './waterfall-state.ts';
import { fitCanvas } from './fit-canvas.ts';

const HEIGHT = 24;

export function TimeRuler({
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

  const layout = (width: number) => {
    const barX = nameColumnWidth(width) + 8;
    const barW = Math.max(10, width - barX - 70);
    return { barX, barW };
  };
  const nsAt = (x: number, width: number) => {
    const { barX, barW } = layout(width);
    const f = Math.max(0, Math.min(1, (x - barX) / barW));
    return state.windowStart + f * (state.windowEnd - state.windowStart);
  };

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const width = el.parentElement?.clientWidth ?? 600;
    const ctx = fitCanvas(el, width, HEIGHT);
    if (ctx === null) return;
    const theme = canvasTheme(el);
    const { barX, barW } = layout(width);
    ctx.clearRect(0, 0, width, HEIGHT);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted;
    ctx.fillText(
      state.zoomed ? 'Zoomed — drag to zoom further' : 'Drag across the time axis to zoom',
      8,
      HEIGHT / 2,
    );
    const ticks = 5;
    ctx.strokeStyle = theme.border;
    for (let i = 0; i <= ticks; i++) {
      const x = barX + (barW * i) / ticks;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, HEIGHT - 6);
      ctx.lineTo(x + 0.5, HEIGHT);
      ctx.stroke();
      const label = formatNs(state.windowStart + ((state.windowEnd - state.windowStart) * i) / ticks);
      const w = ctx.measureText(label).width;
      ctx.fillText(label, Math.min(x - w / 2, width - w - 2), HEIGHT / 2 - 2);
    }
    if (drag !== null) {
      ctx.fillStyle = theme.accent;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(Math.min(drag.from, drag.to), 0, Math.abs(drag.to - drag.from), HEIGHT);
      ctx.globalAlpha = 1;
    }
  }, [state, version, drag]);

  const x = (e: PointerEvent<HTMLCanvasElement>) => e.clientX - e.currentTarget.getBoundingClientRect().left;
  return (
    <canvas
      ref={ref}
      className="time-ruler"
      aria-label="Time axis: drag to zoom"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag({ from: x(e), to: x(e) });
      }}
      onPointerMove={(e) => drag !== null && setDrag({ from: drag.from, to: x(e) })}
      onPointerUp={(e) => {
        if (drag !== null && Math.abs(drag.to - drag.from) > 3) {
          const width = e.currentTarget.clientWidth;
          state.zoom(nsAt(drag.from, width), nsAt(x(e), width));
          onChange();
        }
        setDrag(null);
      }}
    />
  );
}
