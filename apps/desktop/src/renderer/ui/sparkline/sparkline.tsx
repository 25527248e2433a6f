import { formatValue, type Unit } from '../format/units.ts';

/**
 * A tiny SVG trend for table cells. Not the ECharts wrapper on purpose: the overview draws up to three per
 * row for hundreds of rows, and an ECharts instance per cell (its own canvas, zrender loop and listeners)
 * costs far more in memory and first paint than a <path>, and would put ECharts in the first view's bundle.
 * Like the chart, it exposes what it drew (`data-series`: name → [ms, value] points) for tests.
 */
export function Sparkline({
  name,
  points,
  fromMs,
  stepMs,
  unit,
  width = 48,
  height = 16,
}: {
  name: string;
  points: readonly (number | null)[];
  fromMs: number;
  stepMs: number;
  unit: Unit;
  width?: number;
  height?: number;
}) {
  const values = points.filter((p): p is number => p !== null);
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const x = (i: number) => (points.length <= 1 ? width / 2 : (i / (points.length - 1)) * (width - 2) + 1);
  const y = (v: number) => height - 2 - ((v - min) / span) * (height - 4);
  let path = '';
  let pen = false;
  points.forEach((p, i) => {
    if (p === null) {
      pen = false; // a gap stays a gap: no requests is not zero latency
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p).toFixed(1)}`;
    pen = true;
  });
  const series = { [name]: points.map((p, i) => [fromMs + i * stepMs, p]) };
  const last = [...points].reverse().find((p) => p !== null) ?? null;
  const description =
    values.length === 0
      ? `${name}: no data`
      : `${name}: latest ${formatValue(last, unit)}, peak ${formatValue(max, unit)}`;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={description}
      data-testid="sparkline"
      data-series={JSON.stringify(series)}
    >
      <title>{description}</title>
      <path d={path} fill="none" stroke="currentColor" strokeWidth="1.25" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
