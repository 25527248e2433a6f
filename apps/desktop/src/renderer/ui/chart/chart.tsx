import { useEffect, useRef } from 'react';
import { useTheme } from '../theme/theme.tsx';
import {
  buildChartOption,
  drawnSeries,
  type ChartArea,
  type ChartPalette,
  type ChartSpec,
} from './chart-options.ts';
import { init, type ECharts } from './echarts.ts';

/** The coordRange of the first area of ECharts' untyped brushEnd event. */
function brushedCoords(event: unknown): unknown[] | undefined {
  if (typeof event !== 'object' || event === null || !('areas' in event) || !Array.isArray(event.areas))
    return undefined;
  const area: unknown = event.areas[0];
  if (typeof area !== 'object' || area === null || !('coordRange' in area) || !Array.isArray(area.coordRange))
    return undefined;
  const range: unknown[] = area.coordRange;
  return range;
}

const isPair = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number';

/** The [from, to] ms of a lineX brush. */
function brushedRange(event: unknown): [number, number] | undefined {
  const range = brushedCoords(event);
  return range !== undefined && isPair(range) ? range : undefined;
}

/** The time × value rectangle of a rect brush (`[[x0, x1], [y0, y1]]`). */
function brushedArea(event: unknown): ChartArea | undefined {
  const [x, y] = brushedCoords(event) ?? [];
  if (!isPair(x) || !isPair(y)) return undefined;
  return { fromMs: x[0], toMs: x[1], min: Math.max(0, y[0]), max: y[1] };
}

/** Where a clicked item came from: its series and index, from ECharts' untyped click event. */
function clickedItem(event: unknown): { series: number; index: number } | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const series: unknown = Reflect.get(event, 'seriesIndex');
  const index: unknown = Reflect.get(event, 'dataIndex');
  return typeof series === 'number' && typeof index === 'number' ? { series, index } : undefined;
}

/** The series and index of the point reported as `key`. */
function keyedPoint(spec: ChartSpec, key: string): { series: number; index: number } | undefined {
  for (let series = 0; series < spec.series.length; series++) {
    const index = spec.series[series]?.keys?.indexOf(key) ?? -1;
    if (index >= 0) return { series, index };
  }
  return undefined;
}

/** `window.__apoCharts[label]`: where a keyed point is drawn, so end-to-end tests can click it. */
interface ChartHook {
  pixelOf(key: string): [number, number] | null;
}

declare global {
  interface Window {
    __apoCharts?: Map<string, ChartHook>;
  }
}

function readPalette(): ChartPalette {
  const css = getComputedStyle(document.documentElement);
  const token = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: token('--fg'),
    muted: token('--muted'),
    grid: token('--border'),
    surface: token('--panel'),
    series: [token('--chart-1'), token('--chart-2'), token('--chart-3'), token('--chart-4')],
    comparison: token('--chart-compare'),
    marker: { restart: token('--warn'), deploy: token('--accent'), alert: token('--bad') },
  };
}

/**
 * The one chart: ECharts on canvas, set up, resized and disposed here and nowhere else. Draws `spec`,
 * follows the theme, and reports a dragged (brushed) time span through `onBrush` (the page puts it in the
 * URL) — or, with `onSelectArea`, a dragged rectangle of time × value (a scatter's selection) — and a click
 * on a keyed point through `onPointClick`. `focusKey` marks one keyed point (enlarged, ringed, its tooltip
 * shown): the point a keyboard user moved to. The container carries `data-series` (series name → points) so
 * tests assert values, not pixels.
 */
export function Chart({
  spec,
  label,
  height = 180,
  onBrush,
  onSelectArea,
  onPointClick,
  focusKey,
}: {
  spec: ChartSpec;
  label: string;
  height?: number;
  onBrush?: (fromMs: number, toMs: number) => void;
  onSelectArea?: (area: ChartArea) => void;
  onPointClick?: (key: string) => void;
  focusKey?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const brushHandler = useRef(onBrush);
  brushHandler.current = onBrush;
  const areaHandler = useRef(onSelectArea);
  areaHandler.current = onSelectArea;
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;
  const latestSpec = useRef(spec);
  latestSpec.current = spec;
  const { theme } = useTheme();
  const brushType = onSelectArea === undefined ? 'lineX' : 'rect';

  useEffect(() => {
    const node = el.current;
    if (node === null) return;
    const instance = init(node, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('brushEnd', (event) => {
      instance.dispatchAction({ type: 'brush', areas: [] });
      const area = brushedArea(event);
      if (area !== undefined) {
        areaHandler.current?.(area);
        return;
      }
      const range = brushedRange(event);
      if (range && range[1] - range[0] >= 1_000)
        brushHandler.current?.(Math.round(range[0]), Math.round(range[1]));
    });
    instance.on('click', (event) => {
      const item = clickedItem(event);
      const key = item && latestSpec.current.series[item.series]?.keys?.[item.index];
      if (key !== undefined) clickHandler.current?.(key);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    const hook: ChartHook = {
      pixelOf: (key) => {
        for (const s of latestSpec.current.series) {
          const at = s.keys?.indexOf(key) ?? -1;
          const point = s.points[at];
          if (at >= 0 && point !== undefined) {
            const px: unknown = instance.convertToPixel({ seriesName: s.name }, point);
            return isPair(px) ? px : null;
          }
        }
        return null;
      },
    };
    const hooks = (window.__apoCharts ??= new Map());
    hooks.set(label, hook);
    return () => {
      if (hooks.get(label) === hook) hooks.delete(label);
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [label]);

  // Redrawn when what is drawn changes, not when a parent re-renders with an equal spec: a redraw resets the
  // brush, so a page whose other panels load while the user drags would drop the drag.
  const drawnKey = JSON.stringify(spec);
  const brushing = onBrush !== undefined || onSelectArea !== undefined;
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    instance.setOption(buildChartOption(latestSpec.current, readPalette(), brushType), { notMerge: true });
    if (brushing) {
      // Dragging across the plot selects a span (or a rectangle); no toolbox button to find first.
      instance.dispatchAction({
        type: 'takeGlobalCursor',
        key: 'brush',
        brushOption: { brushType, brushMode: 'single' },
      });
    }
  }, [drawnKey, theme, brushType, brushing]);

  // After the redraw above (which drops ECharts' highlight state): the focused point, emphasised with its tooltip.
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    instance.dispatchAction({ type: 'downplay' });
    const at = focusKey === undefined ? undefined : keyedPoint(latestSpec.current, focusKey);
    if (at === undefined) {
      instance.dispatchAction({ type: 'hideTip' });
      return;
    }
    instance.dispatchAction({ type: 'highlight', seriesIndex: at.series, dataIndex: at.index });
    instance.dispatchAction({ type: 'showTip', seriesIndex: at.series, dataIndex: at.index });
  }, [focusKey, drawnKey, theme]);

  return (
    <div
      ref={el}
      className="chart"
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid="chart"
      data-series={JSON.stringify(drawnSeries(spec))}
    />
  );
}
