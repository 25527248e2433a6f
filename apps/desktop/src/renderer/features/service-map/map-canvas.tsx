import type { ServiceMapNode, TopologyEdge } from '@apo/shared/console';
import { useCallback, useEffect, useRef } from 'react';
import { formatValue } from '../../ui/format/units.ts';
import { KIND_LABEL } from '../topology/topology-labels.ts';
import type { LayoutResult } from './map-layout.ts';

/** Node box size from its label: wide enough for the name, within bounds. */
export function nodeSize(node: ServiceMapNode): { width: number; height: number } {
  return { width: Math.min(220, Math.max(96, 26 + node.name.length * 7)), height: 30 };
}

interface View {
  k: number;
  tx: number;
  ty: number;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;

function cssVar(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

/**
 * The map on one canvas: edges as curves from caller to callee (thicker = more calls/s, coloured by their
 * change), nodes as boxes bordered by health with kind icon and name (names hidden when zoomed out too
 * far to read). Drag pans, the wheel zooms around the pointer, a click selects, a double click opens.
 * Each draw's time is written to `data-draw-ms` (the benchmark reads it).
 */
export function MapCanvas({
  nodes,
  edges,
  layout,
  matches,
  selected,
  onSelect,
  onOpen,
}: {
  nodes: ServiceMapNode[];
  edges: TopologyEdge[];
  layout: LayoutResult;
  matches: Set<string>;
  selected: string | undefined;
  onSelect: (node: ServiceMapNode | undefined) => void;
  onOpen: (node: ServiceMapNode) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ k: 1, tx: 0, ty: 0 });
  const frame = useRef(0);

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (canvas === null || ctx === null || ctx === undefined) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = canvas.getBoundingClientRect();
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const colours = {
      panel: cssVar(canvas, '--panel'),
      fg: cssVar(canvas, '--fg'),
      muted: cssVar(canvas, '--muted'),
      border: cssVar(canvas, '--border'),
      ok: cssVar(canvas, '--ok'),
      warning: cssVar(canvas, '--warn'),
      critical: cssVar(canvas, '--bad'),
      accent: cssVar(canvas, '--accent'),
    };
    const { k, tx, ty } = view.current;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
    const at = layout.nodes;
    // Edges: one path per colour and width class, so 3,000 edges are a few strokes; arrowheads and rate
    // labels only when zoomed in enough to read them.
    const groups = new Map<string, Path2D>();
    const detail = k >= 0.45 && edges.length <= 600;
    const labelsAt: { x: number; y: number; text: string }[] = [];
    const heads = new Path2D();
    for (const e of edges) {
      const a = at[e.from];
      const b = at[e.to];
      if (a === undefined || b === undefined) continue;
      const widthClass = Math.min(4, Math.round(Math.log10(1 + e.now.rate) * 1.5));
      const key = `${e.health}|${widthClass}`;
      let path = groups.get(key);
      if (path === undefined) groups.set(key, (path = new Path2D()));
      const route = layout.routes[e.id];
      let end: [number, number];
      let before: [number, number];
      let mid: [number, number];
      if (route !== undefined && route.length > 1) {
        const [first, ...rest] = route;
        path.moveTo(first?.[0] ?? 0, first?.[1] ?? 0);
        for (const p of rest) path.lineTo(p[0], p[1]);
        end = route[route.length - 1] ?? [0, 0];
        before = route[route.length - 2] ?? [0, 0];
        const m = route[Math.floor((route.length - 1) / 2)] ?? [0, 0];
        const m2 = route[Math.floor((route.length - 1) / 2) + 1] ?? m;
        mid = [(m[0] + m2[0]) / 2, (m[1] + m2[1]) / 2];
      } else {
        const x1 = a.x + a.w;
        const y1 = a.y + a.h / 2;
        const x2 = b.x;
        const y2 = b.y + b.h / 2;
        const dx = Math.max(40, Math.abs(x2 - x1) / 2);
        path.moveTo(x1, y1);
        path.bezierCurveTo(x1 + dx, y1, x2 - dx, y2, x2, y2);
        end = [x2, y2];
        before = [x2 - dx, y2];
        mid = [(x1 + x2) / 2, (y1 + y2) / 2];
      }
      if (detail) {
        const angle = Math.atan2(end[1] - before[1], end[0] - before[0]);
        const size = 7;
        heads.moveTo(end[0], end[1]);
        heads.lineTo(end[0] - size * Math.cos(angle - 0.4), end[1] - size * Math.sin(angle - 0.4));
        heads.lineTo(end[0] - size * Math.cos(angle + 0.4), end[1] - size * Math.sin(angle + 0.4));
        heads.closePath();
        labelsAt.push({ x: mid[0], y: mid[1], text: formatValue(e.now.rate, 'reqPerSec') });
      }
    }
    for (const [key, path] of groups) {
      const [health, widthClass] = key.split('|');
      ctx.strokeStyle =
        health === 'critical' ? colours.critical : health === 'warning' ? colours.warning : colours.muted;
      ctx.globalAlpha = health === 'ok' ? 0.6 : 0.95;
      // Screen pixels: 1.5 px for a quiet edge, up to 5.5 px for the busiest.
      ctx.lineWidth = (1.5 + Number(widthClass)) / k;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
    if (detail) {
      ctx.fillStyle = colours.muted;
      ctx.fill(heads);
      ctx.font = '10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      for (const l of labelsAt) ctx.fillText(l.text, l.x, l.y - 3);
      ctx.textAlign = 'start';
    }
    ctx.globalAlpha = 1;
    const labels = k >= 0.45;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const n of nodes) {
      const p = at[n.id];
      if (p === undefined) continue;
      ctx.fillStyle = colours.panel;
      ctx.strokeStyle =
        n.health === 'critical'
          ? colours.critical
          : n.health === 'warning'
            ? colours.warning
            : n.health === 'ok'
              ? colours.ok
              : colours.border;
      ctx.lineWidth = n.id === selected ? 4 : 2;
      ctx.beginPath();
      ctx.roundRect(p.x, p.y, p.w, p.h, 5);
      ctx.fill();
      ctx.stroke();
      if (matches.has(n.id) || n.id === selected) {
        ctx.strokeStyle = colours.accent;
        ctx.lineWidth = 2;
        ctx.strokeRect(p.x - 4, p.y - 4, p.w + 8, p.h + 8);
      }
      if (labels) {
        ctx.fillStyle = colours.muted;
        ctx.fillText(KIND_LABEL[n.kind].icon, p.x + 7, p.y + p.h / 2);
        ctx.fillStyle = colours.fg;
        ctx.fillText(n.name, p.x + 22, p.y + p.h / 2, p.w - 28);
      }
    }
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(2);
  }, [nodes, edges, layout, matches, selected]);

  const schedule = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw]);

  // Fit the whole layout when it changes.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const { width, height } = canvas.getBoundingClientRect();
    const k = Math.min(
      MAX_ZOOM,
      Math.max(
        MIN_ZOOM,
        Math.min((width - 40) / (layout.width || 1), (height - 40) / (layout.height || 1), 1.5),
      ),
    );
    view.current = { k, tx: (width - layout.width * k) / 2, ty: (height - layout.height * k) / 2 };
  }, [layout]);

  useEffect(() => {
    schedule();
    const observer = new ResizeObserver(schedule);
    if (canvasRef.current !== null) observer.observe(canvasRef.current);
    // The theme's colours are read when drawing: draw again when it changes.
    const theme = new MutationObserver(schedule);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      observer.disconnect();
      theme.disconnect();
      cancelAnimationFrame(frame.current);
    };
  }, [schedule]);

  const nodeAt = (clientX: number, clientY: number): ServiceMapNode | undefined => {
    const canvas = canvasRef.current;
    if (canvas === null) return undefined;
    const r = canvas.getBoundingClientRect();
    const { k, tx, ty } = view.current;
    const x = (clientX - r.left - tx) / k;
    const y = (clientY - r.top - ty) / k;
    return nodes.find((n) => {
      const p = layout.nodes[n.id];
      return p !== undefined && x >= p.x && x <= p.x + p.w && y >= p.y && y <= p.y + p.h;
    });
  };

  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  return (
    <canvas
      ref={canvasRef}
      className="map-canvas"
      role="img"
      aria-label={`Service map: ${nodes.length} nodes, ${edges.length} edges. Drag to pan, wheel to zoom, click a node to focus it.`}
      onPointerDown={(e) => {
        drag.current = { x: e.clientX, y: e.clientY, moved: false };
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d === null) return;
        const dx = e.clientX - d.x;
        const dy = e.clientY - d.y;
        if (!d.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
        d.moved = true;
        view.current = { ...view.current, tx: view.current.tx + dx, ty: view.current.ty + dy };
        d.x = e.clientX;
        d.y = e.clientY;
        schedule();
      }}
      onPointerUp={(e) => {
        const d = drag.current;
        drag.current = null;
        if (d !== null && !d.moved) onSelect(nodeAt(e.clientX, e.clientY));
      }}
      onDoubleClick={(e) => {
        const node = nodeAt(e.clientX, e.clientY);
        if (node !== undefined) onOpen(node);
      }}
      onWheel={(e) => {
        const canvas = canvasRef.current;
        if (canvas === null) return;
        const r = canvas.getBoundingClientRect();
        const { k, tx, ty } = view.current;
        const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k * Math.exp(-e.deltaY * 0.0015)));
        const px = e.clientX - r.left;
        const py = e.clientY - r.top;
        view.current = { k: next, tx: px - ((px - tx) * next) / k, ty: py - ((py - ty) * next) / k };
        schedule();
      }}
    />
  );
}
