import { useEffect, useRef } from 'react';
import { useTheme } from '../theme/theme.tsx';
import { buildChartOption, drawnSeries, type ChartPalette, type ChartSpec } from './chart-options.ts';
import { init, type ECharts } from './echarts.ts';

/** The [from, to] ms of a lineX brush from ECharts' untyped brushEnd event. */
function brushedRange(event: unknown): [number, number] | undefined {
  if (typeof event !== 'object' || event === null || !('areas' in event) || !Array.isArray(event.areas))
    return undefined;
  const area: unknown = event.areas[0];
  if (typeof area !== 'object' || area === null || !('coordRange' in area) || !Array.isArray(area.coordRange))
    return undefined;
  const range: unknown[] = area.coordRange;
  const [from, to] = range;
  return typeof from === 'number' && typeof to === 'number' ? [from, to] : undefined;
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
 * URL). The container carries `data-series` (series name → points) so tests assert values, not pixels.
 */
export function Chart({
  spec,
  label,
  height = 180,
  onBrush,
}: {
  spec: ChartSpec;
  label: string;
  height?: number;
  onBrush?: (fromMs: number, toMs: number) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const brushHandler = useRef(onBrush);
  brushHandler.current = onBrush;
  const { theme } = useTheme();

  useEffect(() => {
    const node = el.current;
    if (node === null) return;
    const instance = init(node, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('brushEnd', (event) => {
      const range = brushedRange(event);
      instance.dispatchAction({ type: 'brush', areas: [] });
      if (range && range[1] - range[0] >= 1_000)
        brushHandler.current?.(Math.round(range[0]), Math.round(range[1]));
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // Redrawn when what is drawn changes, not when a parent re-renders with an equal spec: a redraw resets the
  // brush, so a page whose other panels load while the user drags would drop the drag.
  const drawnKey = JSON.stringify(spec);
  const latestSpec = useRef(spec);
  latestSpec.current = spec;
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    instance.setOption(buildChartOption(latestSpec.current, readPalette()), { notMerge: true });
    if (brushHandler.current !== undefined) {
      // Dragging across the plot selects a span; no toolbox button to find first.
      instance.dispatchAction({
        type: 'takeGlobalCursor',
        key: 'brush',
        brushOption: { brushType: 'lineX', brushMode: 'single' },
      });
    }
  }, [drawnKey, theme]);

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
