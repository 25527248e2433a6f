import { formatExactTime } from '../format/time.ts';
import { formatValue, type Unit } from '../format/units.ts';

export type ChartPoint = [timeMs: number, value: number | null];

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  /** The comparison overlay (yesterday / last week): dashed, muted, drawn under the live series. */
  comparison?: boolean;
  /** Dots rather than a line: one per item (a trace), not a series over time. */
  kind?: 'line' | 'scatter';
  /** `bad`: drawn in the theme's error colour (failed traces), not the next series colour. */
  tone?: 'bad';
  /** Per point, what a click on it reports (a trace id); scatter series only. */
  keys?: string[];
  /** Per point, its name in the tooltip (a trace's root operation). */
  labels?: string[];
}

/** A rectangle of the plot (time × value), e.g. the selection drawn on a scatter. */
export interface ChartArea {
  fromMs: number;
  toMs: number;
  min: number;
  max: number;
}

export interface ChartMarker {
  atMs: number;
  label: string;
  kind: 'restart' | 'deploy' | 'alert';
}

export interface ChartSpec {
  series: ChartSeries[];
  unit: Unit;
  fromMs: number;
  toMs: number;
  markers?: ChartMarker[];
  /** A shaded rectangle over the plot: what the user selected. */
  area?: ChartArea;
  /**
   * A fixed width (px) for the value axis' labels: charts stacked on one time axis set the same width so
   * their plots line up minute for minute (by default each sizes its labels, so the plots shift).
   */
  valueAxisWidth?: number;
}

/** Colours read from the CSS tokens, so a chart follows the theme like everything else. */
export interface ChartPalette {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  series: string[];
  comparison: string;
  marker: Record<ChartMarker['kind'], string>;
}

/** What the chart drew, for tests: series name → points. */
export function drawnSeries(spec: ChartSpec): Record<string, ChartPoint[]> {
  return Object.fromEntries(spec.series.map((s) => [s.name, s.points]));
}

interface TooltipParam {
  seriesName?: string;
  seriesIndex?: number;
  dataIndex?: number;
  value?: unknown;
  marker?: string;
}

/** The ECharts option for a spec: pure, so the formatting and the overlay rules are unit-tested. */
export function buildChartOption(
  spec: ChartSpec,
  palette: ChartPalette,
  brushType: 'lineX' | 'rect' = 'lineX',
) {
  const live = spec.series.filter((s) => s.comparison !== true);
  let colour = 0;
  const markerIndex = live[0] === undefined ? 0 : spec.series.indexOf(live[0]);
  const series = spec.series.map((s, i) => {
    const isComparison = s.comparison === true;
    const scatter = s.kind === 'scatter';
    const color = isComparison
      ? palette.comparison
      : s.tone === 'bad'
        ? palette.marker.alert
        : (palette.series[colour++ % palette.series.length] ?? palette.text);
    return {
      type: scatter ? ('scatter' as const) : ('line' as const),
      name: s.name,
      data: s.points,
      showSymbol: false,
      symbolSize: scatter ? 7 : 4,
      // Errors on top: a red dot must not hide under a hundred blue ones.
      z: scatter ? (s.tone === 'bad' ? 3 : 2) : isComparison ? 1 : 2,
      itemStyle: { color, opacity: scatter ? 0.8 : 1 },
      connectNulls: false,
      lineStyle: {
        width: isComparison ? 1.25 : 1.75,
        type: isComparison ? ('dashed' as const) : ('solid' as const),
        color,
      },
      // A hovered or keyboard-focused dot: larger, opaque and ringed in the text colour (visible on both themes).
      emphasis: {
        disabled: !scatter,
        scale: 1.6,
        ...(scatter ? { itemStyle: { opacity: 1, borderColor: palette.text, borderWidth: 2 } } : {}),
      },
      // Event markers ride on the first live series (a markLine belongs to a series in ECharts).
      ...(i === markerIndex && spec.markers && spec.markers.length > 0
        ? {
            markLine: {
              symbol: ['none', 'none'],
              silent: false,
              animation: false,
              label: {
                formatter: '{b}',
                color: palette.muted,
                fontSize: 10,
                position: 'insideEndTop' as const,
              },
              data: spec.markers.map((m) => ({
                name: m.label,
                xAxis: m.atMs,
                lineStyle: { color: palette.marker[m.kind], type: 'solid' as const, width: 1 },
              })),
            },
          }
        : {}),
      ...(i === 0 && spec.area !== undefined
        ? {
            markArea: {
              silent: true,
              itemStyle: { color: 'rgba(120,140,255,0.12)', borderColor: palette.muted, borderWidth: 1 },
              data: [
                [{ coord: [spec.area.fromMs, spec.area.min] }, { coord: [spec.area.toMs, spec.area.max] }],
              ],
            },
          }
        : {}),
    };
  });
  const byItem = spec.series.some((s) => s.kind === 'scatter');
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: palette.text, fontFamily: 'inherit' },
    grid:
      spec.valueAxisWidth === undefined
        ? { left: 8, right: 12, top: 28, bottom: 4, containLabel: true }
        : // The labels sit left of the plot, the time labels below it: room for both without measuring.
          { left: spec.valueAxisWidth, right: 12, top: 28, bottom: 22, containLabel: false },
    legend: {
      top: 0,
      left: 0,
      // A line's legend is a short stroke; a scatter's, a dot of its colour.
      ...(byItem ? { icon: 'circle', itemHeight: 8, itemWidth: 8 } : { itemHeight: 2, itemWidth: 14 }),
      textStyle: { color: palette.muted, fontSize: 11 },
      data: spec.series.map((s) => s.name),
    },
    tooltip: {
      // A scatter's dots are things (traces), each with its own tooltip; lines share the time under the cursor.
      trigger: byItem ? ('item' as const) : ('axis' as const),
      backgroundColor: palette.surface,
      borderColor: palette.grid,
      textStyle: { color: palette.text, fontSize: 12 },
      formatter: (params: TooltipParam | TooltipParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        const first = list[0]?.value;
        const t = Array.isArray(first) ? Number(first[0]) : NaN;
        const lines = list.map((p) => {
          const raw: unknown = Array.isArray(p.value) ? p.value[1] : null;
          const v = typeof raw === 'number' ? raw : null;
          const label = spec.series[p.seriesIndex ?? -1]?.labels?.[p.dataIndex ?? -1];
          const name = label === undefined ? (p.seriesName ?? '') : `${p.seriesName ?? ''} · ${label}`;
          return `${p.marker ?? ''} ${escapeHtml(name)}: <b>${formatValue(v, spec.unit, true)}</b>`;
        });
        return [Number.isNaN(t) ? '' : formatExactTime(t), ...lines].join('<br>');
      },
    },
    xAxis: {
      type: 'time' as const,
      min: spec.fromMs,
      max: spec.toMs,
      axisLine: { lineStyle: { color: palette.grid } },
      axisLabel: { color: palette.muted, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value' as const,
      min: 0,
      axisLabel: { color: palette.muted, formatter: (v: number) => formatValue(v, spec.unit) },
      splitLine: { lineStyle: { color: palette.grid, type: 'dashed' as const } },
    },
    brush: {
      xAxisIndex: 0,
      ...(brushType === 'rect' ? { yAxisIndex: 0 } : {}),
      brushType,
      brushMode: 'single' as const,
      throttleType: 'debounce' as const,
      brushStyle: { color: 'rgba(120,140,255,0.15)', borderColor: palette.muted },
    },
    toolbox: { show: false },
    series,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
