/**
 * The waterfall: one canvas the size of the viewport over a scroller as tall as the rows, redrawn on
 * scroll (in an animation frame) with only the rows in view — the same cost for 100 rows or a million.
 * Past browsers' element height limit (~33M px) the scroll position maps onto the rows proportionally.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { FLAG_CRITICAL, FLAG_ERROR, FLAG_ERROR_ORIGIN, FLAG_ERROR_PATH } from '../model/trace-analysis.ts';
import { formatNs } from './format-ns.ts';
import { canvasTheme, serviceColor } from './span-colors.ts';
import type { WaterfallState } from './waterfall-state.ts';
import { fitCanvas } from './fit-canvas.ts';

const ROW_HEIGHT = 22;
const MAX_SCROLL_PX = 30_000_000;
const INDENT = 12;
const MAX_INDENT_LEVELS = 40;

/** Width of the name column for a canvas `width` wide. */
export const nameColumnWidth = (width: number): number =>
  Math.max(220, Math.min(420, Math.round(width * 0.38)));

interface Geometry {
  /** Scroll pixels per row pixel (1 until the rows outgrow MAX_SCROLL_PX). */
  ratio: number;
  spacer: number;
}

function geometry(rows: number, viewport: number): Geometry {
  const total = rows * ROW_HEIGHT;
  if (total <= MAX_SCROLL_PX) return { ratio: 1, spacer: total };
  return { ratio: (total - viewport) / (MAX_SCROLL_PX - viewport), spacer: MAX_SCROLL_PX };
}

export function Waterfall({
  state,
  version,
  onChange,
}: {
  state: WaterfallState;
  version: number;
  onChange: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const hover = useRef(-1);
  const frame = useRef(0);
  const drewOnce = useRef(false);
  const [viewport, setViewport] = useState(400);
  const geo = geometry(state.rows.length, viewport);

  const topPx = useCallback(
    () => (scroller.current?.scrollTop ?? 0) * geometry(state.rows.length, viewport).ratio,
    [state, viewport],
  );

  const draw = useCallback(() => {
    const el = canvas.current;
    const sc = scroller.current;
    if (el === null || sc === null) return;
    const width = sc.clientWidth;
    const height = sc.clientHeight;
    const ctx = fitCanvas(el, width, height);
    if (ctx === null) return;
    drawRows(ctx, state, width, height, topPx(), hover.current, canvasTheme(el));
    if (!drewOnce.current) {
      drewOnce.current = true;
      // The benchmark times "opened → first rows" up to this mark.
      performance.mark('apo-trace-first-rows');
    }
  }, [state, topPx]);

  const schedule = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw]);

  useEffect(() => {
    const sc = scroller.current;
    if (sc === null) return;
    const observer = new ResizeObserver(() => {
      setViewport(sc.clientHeight);
      schedule();
    });
    observer.observe(sc);
    return () => observer.disconnect();
  }, [schedule]);

  // A selection made elsewhere (search, minimap) scrolls its row into view.
  useEffect(() => {
    const sc = scroller.current;
    const row = state.scrollTarget;
    if (sc !== null && row >= 0) {
      state.scrollTarget = -1;
      const g = geometry(state.rows.length, sc.clientHeight);
      const rowTop = row * ROW_HEIGHT;
      const top = topPx();
      if (rowTop < top || rowTop + ROW_HEIGHT > top + sc.clientHeight) {
        sc.scrollTop = Math.max(0, (rowTop - sc.clientHeight / 2) / g.ratio);
      }
    }
    schedule();
  }, [version, state, schedule, topPx]);

  const rowAt = (e: MouseEvent): { row: number; x: number } => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { row: Math.floor((topPx() + e.clientY - rect.top) / ROW_HEIGHT), x: e.clientX - rect.left };
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const { row, x } = rowAt(e);
    const span = state.rows[row];
    if (span === undefined) return;
    const depth = Math.min(state.model.tree.depth[span] ?? 0, MAX_INDENT_LEVELS);
    const toggleX = 6 + depth * INDENT;
    if (state.hasChildren(span) && x >= toggleX - 4 && x <= toggleX + 14) state.toggle(span);
    else state.select(span);
    onChange();
  };

  const onMove = (e: MouseEvent<HTMLDivElement>) => {
    const { row } = rowAt(e);
    if (row !== hover.current) {
      hover.current = row;
      schedule();
    }
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const sel = state.selected;
    const row = sel >= 0 ? (state.rowOf[sel] ?? -1) : -1;
    const go = (r: number) => {
      const span = state.rows[Math.max(0, Math.min(state.rows.length - 1, r))];
      if (span !== undefined) state.select(span);
    };
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        go(row + 1);
        break;
      case 'ArrowUp':
      case 'k':
        go(row - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(state.rows.length - 1);
        break;
      case 'PageDown':
        go(row + Math.floor(viewport / ROW_HEIGHT));
        break;
      case 'PageUp':
        go(row - Math.floor(viewport / ROW_HEIGHT));
        break;
      case 'ArrowLeft':
        if (sel >= 0 && state.hasChildren(sel) && !state.collapsed[sel]) state.setCollapsed(sel, true);
        else if (sel >= 0 && (state.model.tree.parent[sel] ?? -1) >= 0)
          state.select(state.model.tree.parent[sel] ?? 0);
        break;
      case 'ArrowRight':
        if (sel >= 0) state.setCollapsed(sel, false);
        break;
      case 'Enter':
        if (sel >= 0) state.toggle(sel);
        break;
      default:
        return;
    }
    e.preventDefault();
    onChange();
  };

  return (
    <div
      ref={scroller}
      className="waterfall"
      tabIndex={0}
      role="tree"
      aria-label={`Waterfall: ${state.rows.length.toLocaleString('en-US')} rows`}
      data-testid="waterfall"
      onScroll={schedule}
      onClick={onClick}
      onMouseMove={onMove}
      onMouseLeave={() => {
        hover.current = -1;
        schedule();
      }}
      onKeyDown={onKey}
    >
      <canvas ref={canvas} className="waterfall-canvas" />
      {/* The canvas (sticky, one viewport tall) plus this make the scroll height the rows' height. */}
      <div style={{ height: Math.max(0, geo.spacer - viewport) }} />
    </div>
  );
}

function drawRows(
  ctx: CanvasRenderingContext2D,
  state: WaterfallState,
  width: number,
  height: number,
  topPx: number,
  hoverRow: number,
  theme: ReturnType<typeof canvasTheme>,
): void {
  const m = state.model;
  const c = m.columns;
  const nameW = nameColumnWidth(width);
  const barX = nameW + 8;
  const barW = Math.max(10, width - barX - 70);
  const span0 = state.windowStart;
  const scale = barW / Math.max(1, state.windowEnd - state.windowStart);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const first = Math.floor(topPx / ROW_HEIGHT);
  const offset = first * ROW_HEIGHT - topPx;
  const count = Math.ceil(height / ROW_HEIGHT) + 1;
  state.drawn = {
    first,
    last: Math.min(state.rows.length - 1, Math.floor((topPx + height - 1) / ROW_HEIGHT)),
  };
  for (let k = 0; k < count; k++) {
    const row = first + k;
    const span = state.rows[row];
    if (span === undefined) break;
    const y = offset + k * ROW_HEIGHT;
    const mid = y + ROW_HEIGHT / 2;
    const flags = m.flags[span] ?? 0;
    const background =
      span === state.selected
        ? theme.selected
        : state.isMatch[span]
          ? theme.match
          : row === hoverRow
            ? theme.hover
            : null;
    if (background !== null) {
      ctx.fillStyle = background;
      ctx.fillRect(0, y, width, ROW_HEIGHT);
    }
    const marked =
      state.highlight === 'critical'
        ? flags & FLAG_CRITICAL
        : state.highlight === 'errors'
          ? flags & FLAG_ERROR_PATH
          : 1;
    ctx.globalAlpha = marked ? 1 : 0.3;
    if (state.highlight !== 'none' && marked) {
      ctx.fillStyle = state.highlight === 'critical' ? theme.accent : theme.bad;
      ctx.fillRect(0, y + 1, 3, ROW_HEIGHT - 2);
    }
    // Name column: indentation, the toggle, a failure mark (never colour alone), operation, service.
    const depth = m.tree.depth[span] ?? 0;
    let x = 6 + Math.min(depth, MAX_INDENT_LEVELS) * INDENT;
    ctx.fillStyle = theme.muted;
    if (state.hasChildren(span)) ctx.fillText(state.collapsed[span] ? '▸' : '▾', x, mid);
    x += 14;
    if (depth > MAX_INDENT_LEVELS) {
      const label = `${depth}·`;
      ctx.fillText(label, x, mid);
      x += ctx.measureText(label).width + 3;
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, y, nameW, ROW_HEIGHT);
    ctx.clip();
    if (flags & FLAG_ERROR) {
      ctx.fillStyle = theme.bad;
      const mark = flags & FLAG_ERROR_ORIGIN ? '⚠ ' : '! ';
      ctx.fillText(mark, x, mid);
      x += ctx.measureText(mark).width;
    }
    const name = m.strings[c.name[span] ?? 0] ?? '';
    ctx.fillStyle = theme.fg;
    ctx.fillText(name, x, mid);
    x += ctx.measureText(name).width + 6;
    ctx.fillStyle = theme.muted;
    ctx.fillText(m.strings[c.service[span] ?? 0] ?? '', x, mid);
    ctx.restore();
    // Bar, clipped to the window; its duration beside it.
    const start = c.startNs[span] ?? 0;
    const dur = c.durationNs[span] ?? 0;
    const x0 = barX + (start - span0) * scale;
    const x1 = barX + (start + dur - span0) * scale;
    const bx0 = Math.max(barX, x0);
    const bx1 = Math.min(barX + barW, Math.max(x1, x0 + 1));
    if (bx1 >= barX && bx0 <= barX + barW) {
      ctx.fillStyle = serviceColor(m.serviceSlot.get(c.service[span] ?? 0) ?? 0);
      ctx.fillRect(bx0, y + 5, Math.max(1, bx1 - bx0), ROW_HEIGHT - 10);
      if (flags & FLAG_ERROR) {
        ctx.strokeStyle = theme.bad;
        ctx.lineWidth = 2;
        ctx.strokeRect(bx0, y + 5, Math.max(1, bx1 - bx0), ROW_HEIGHT - 10);
      }
      ctx.fillStyle = theme.muted;
      const label = formatNs(dur);
      const lw = ctx.measureText(label).width;
      ctx.fillText(label, bx1 + 4 + lw > width ? Math.max(barX, bx0 - lw - 4) : bx1 + 4, mid);
    }
    ctx.globalAlpha = 1;
  }
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(nameW + 0.5, 0);
  ctx.lineTo(nameW + 0.5, height);
  ctx.stroke();
}
