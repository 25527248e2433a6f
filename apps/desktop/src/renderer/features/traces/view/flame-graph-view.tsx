/**
 * The flame graph of the trace (model/flame-graph.ts: spans merged by call path, width = time on the path
 * and below it). One canvas over a scroller as tall as the depths; each frame draws only frames wider than
 * half a pixel and skips the subtrees of the rest, so a million spans cost what is visible. Hover tells a
 * frame's figures, a click selects its (longest) span — the same selection as the waterfall's — and a
 * double click zooms into a frame.
 */
import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import type { FlameGraph } from '../model/flame-graph.ts';
import { FLAG_CRITICAL, FLAG_ERROR, FLAG_ERROR_PATH } from '../model/trace-analysis.ts';
import { hasFlame, type FlamedModel } from '../model/trace-model.ts';
import { formatNs } from './format-ns.ts';
import { canvasTheme, serviceColor, textOn } from './span-colors.ts';
import type { FlameRect, WaterfallState } from './waterfall-state.ts';
import { fitCanvas } from './fit-canvas.ts';

const ROW = 20;
const MIN_PX = 0.5;

interface Hover {
  frame: number;
  x: number;
  y: number;
}

interface Props {
  state: WaterfallState;
  version: number;
  onChange: () => void;
}

export function FlameGraphView(props: Props) {
  const m = props.state.model;
  // The worker sends the flame graph right after the model; a large trace's takes a moment longer.
  if (!hasFlame(m)) {
    return (
      <p className="flame-bar muted" role="status">
        Merging {m.columns.count.toLocaleString('en-US')} spans by call path…
      </p>
    );
  }
  return <FlameCanvas {...props} model={m} />;
}

function FlameCanvas({ state, version, onChange, model: m }: Props & { model: FlamedModel }) {
  const g = m.flame;
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef(0);
  const [hover, setHover] = useState<Hover | null>(null);
  /** The frame zoomed into (its width fills the graph), or -1 for the whole graph. */
  const [zoom, setZoom] = useState(-1);
  const [viewport, setViewport] = useState({ width: 800, height: 320 });
  // Another trace (a file's other trace): its frames are numbered anew.
  useEffect(() => setZoom(-1), [g]);

  const draw = useCallback(() => {
    const el = canvas.current;
    const sc = scroller.current;
    if (el === null || sc === null) return;
    const width = sc.clientWidth;
    const height = sc.clientHeight;
    const ctx = fitCanvas(el, width, height);
    if (ctx === null) return;
    state.flameDrawn = drawFrames(ctx, state, m.flame, zoom, width, height, sc.scrollTop, hover?.frame ?? -1);
  }, [state, zoom, hover]);

  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw, version]);

  // The latest draw for the observer, which lives as long as the view.
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => {
    const sc = scroller.current;
    if (sc === null) return;
    const observer = new ResizeObserver(() => {
      setViewport({ width: sc.clientWidth, height: sc.clientHeight });
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => drawRef.current());
    });
    observer.observe(sc);
    return () => observer.disconnect();
  }, []);

  const frameAt = (e: MouseEvent<HTMLDivElement>): Hover | null => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const hit = state.flameDrawn.find(
      (r) => x >= r.x && x < r.x + Math.max(1, r.w) && y >= r.y && y < r.y + ROW,
    );
    return hit === undefined ? null : { frame: hit.frame, x, y };
  };

  return (
    <div className="flame">
      <div className="flame-bar small muted">
        <span>
          Spans merged by call path; width = time on the path and below it (self times summed), so parallel
          calls add up. Click a frame to select its longest span, double-click to zoom.
        </span>
        {zoom >= 0 && (
          <button type="button" className="button small" onClick={() => setZoom(-1)}>
            Whole trace
          </button>
        )}
      </div>
      <div
        ref={scroller}
        className="flame-scroller"
        // As tall as the depths (up to the CSS max-height), so a shallow trace leaves no empty box.
        style={{ height: (g.maxDepth + 1) * ROW + 12 }}
        data-testid="flame-graph"
        role="img"
        aria-label={`Flame graph: ${g.count.toLocaleString('en-US')} call paths, ${(g.maxDepth + 1).toLocaleString('en-US')} deep`}
        onScroll={() => {
          cancelAnimationFrame(frame.current);
          frame.current = requestAnimationFrame(draw);
        }}
        onMouseMove={(e) => setHover(frameAt(e))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const h = frameAt(e);
          if (h === null) return;
          state.select(g.span[h.frame] ?? -1);
          onChange();
        }}
        onDoubleClick={(e) => {
          const h = frameAt(e);
          setZoom(h === null ? -1 : h.frame);
        }}
      >
        <canvas ref={canvas} className="waterfall-canvas" />
        {/* The canvas (sticky, one viewport tall) plus this make the scroll height the depths' height. */}
        <div style={{ height: Math.max(0, (g.maxDepth + 1) * ROW + 8 - viewport.height) }} />
      </div>
      {hover !== null && (
        <FrameTip
          model={m}
          frame={hover.frame}
          // Outside the scroller (whose edge would cut it): below and beside the pointer, within the width.
          x={hover.x > viewport.width - 280 ? Math.max(0, hover.x - 270) : hover.x + 12}
          y={(scroller.current?.offsetTop ?? 0) + hover.y + 14}
        />
      )}
    </div>
  );
}

function FrameTip({ model, frame, x, y }: { model: FlamedModel; frame: number; x: number; y: number }) {
  const g = model.flame;
  const calls = g.calls[frame] ?? 0;
  const total = g.totalNs[frame] ?? 0;
  return (
    <div className="flame-tip" role="tooltip" data-testid="flame-tip" style={{ left: x, top: y }}>
      <strong>{model.strings[g.name[frame] ?? 0]}</strong>
      <div className="muted">{model.strings[g.service[frame] ?? 0]}</div>
      <dl>
        <dt>Calls</dt>
        <dd>{calls.toLocaleString('en-US')}</dd>
        <dt>{calls > 1 ? 'Duration (sum)' : 'Duration'}</dt>
        <dd>{formatNs(g.durationNs[frame] ?? 0)}</dd>
        <dt>Self time</dt>
        <dd data-testid="flame-tip-self">{formatNs(g.selfNs[frame] ?? 0)}</dd>
        <dt>Path and below</dt>
        <dd>
          {formatNs(total)} ({g.widthNs > 0 ? ((100 * total) / g.widthNs).toFixed(1) : '0'} %)
        </dd>
      </dl>
    </div>
  );
}

function drawFrames(
  ctx: CanvasRenderingContext2D,
  state: WaterfallState,
  flame: FlameGraph,
  zoom: number,
  width: number,
  height: number,
  scrollTop: number,
  hovered: number,
): FlameRect[] {
  const m = state.model;
  const g = flame;
  const theme = canvasTheme(ctx.canvas);
  const x0 = zoom >= 0 ? (g.x[zoom] ?? 0) : 0;
  const span = zoom >= 0 ? (g.totalNs[zoom] ?? 1) : g.widthNs;
  const scale = (width - 2) / Math.max(1, span);
  const selectedFrame = state.selected >= 0 ? (g.frameOf[state.selected] ?? -1) : -1;
  const drawn: FlameRect[] = [];
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let k = 0; k < g.count;) {
    const f = g.order[k] ?? 0;
    const px = 1 + ((g.x[f] ?? 0) - x0) * scale;
    const w = (g.totalNs[f] ?? 0) * scale;
    const y = (g.depth[f] ?? 0) * ROW - scrollTop;
    // Children lie inside their parent and below it: a frame out of view hides its whole subtree.
    if (w < MIN_PX || px + w < 0 || px > width || y > height) {
      k += g.subtree[f] ?? 1;
      continue;
    }
    k++;
    if (y + ROW < 0) continue;
    const flags = g.flags[f] ?? 0;
    const marked =
      state.highlight === 'critical'
        ? flags & FLAG_CRITICAL
        : state.highlight === 'errors'
          ? flags & FLAG_ERROR_PATH
          : 1;
    const color = serviceColor(m.serviceSlot.get(g.service[f] ?? 0) ?? 0);
    ctx.globalAlpha = marked ? 1 : 0.3;
    ctx.fillStyle = color;
    const bx = Math.max(0, px);
    const bw = Math.max(1, Math.min(width, px + w) - bx - (w > 3 ? 1 : 0));
    ctx.fillRect(bx, y + 1, bw, ROW - 2);
    if (flags & FLAG_ERROR) {
      ctx.strokeStyle = theme.bad;
      ctx.lineWidth = 2;
      ctx.strokeRect(bx + 1, y + 2, Math.max(0, bw - 2), ROW - 4);
    }
    if (f === selectedFrame || f === hovered) {
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = f === selectedFrame ? 2 : 1;
      ctx.strokeRect(bx + 0.5, y + 1.5, Math.max(0, bw - 1), ROW - 3);
    }
    if (bw > 28) {
      const name = m.strings[g.name[f] ?? 0] ?? '';
      const calls = g.calls[f] ?? 0;
      // A failure is marked in words too, not by the red outline alone (as in the waterfall).
      const mark = flags & FLAG_ERROR ? '⚠ ' : '';
      const label = `${mark}${name}${calls > 1 ? ` ×${calls.toLocaleString('en-US')}` : ''}`;
      ctx.fillStyle = textOn(color);
      ctx.save();
      ctx.beginPath();
      ctx.rect(bx, y, bw - 3, ROW);
      ctx.clip();
      ctx.fillText(fitText(ctx, label, bw - 8), bx + 4, y + ROW / 2);
      ctx.restore();
    }
    ctx.globalAlpha = 1;
    drawn.push({ frame: f, x: bx, y, w: bw });
  }
  ctx.globalAlpha = 1;
  return drawn;
}

/** The label cut to `room` pixels with an ellipsis. */
function fitText(ctx: CanvasRenderingContext2D, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo)}…`;
}
