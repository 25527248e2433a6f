import { describe, expect, it } from 'vitest';
import { buildChartOption, drawnSeries, type ChartPalette, type ChartSpec } from './chart-options.ts';

const palette: ChartPalette = {
  text: '#000',
  muted: '#666',
  grid: '#ccc',
  surface: '#fff',
  series: ['#1', '#2'],
  comparison: '#cmp',
  marker: { restart: '#r', deploy: '#d', alert: '#a' },
};

const spec: ChartSpec = {
  unit: 'ms',
  fromMs: 0,
  toMs: 120_000,
  series: [
    {
      name: 'p95',
      points: [
        [0, 10],
        [60_000, null],
      ],
    },
    {
      name: 'p95 yesterday',
      points: [
        [0, 8],
        [60_000, 9],
      ],
      comparison: true,
    },
  ],
  markers: [{ atMs: 30_000, label: 'restart', kind: 'restart' }],
};

describe('chart option', () => {
  const option = buildChartOption(spec, palette);

  it('draws the comparison dashed and muted, the live series solid', () => {
    expect(option.series[0]?.lineStyle).toMatchObject({ type: 'solid', color: '#1' });
    expect(option.series[1]?.lineStyle).toMatchObject({ type: 'dashed', color: '#cmp' });
  });

  it('keeps gaps as gaps and puts markers on the live series', () => {
    expect(option.series[0]?.connectNulls).toBe(false);
    expect(option.series[0]).toHaveProperty('markLine.data.0.xAxis', 30_000);
    expect(option.series[1]).not.toHaveProperty('markLine');
  });

  it('formats the axis in the unit and the tooltip with exact values', () => {
    expect(option.yAxis.axisLabel.formatter(1500)).toBe('1.5 s');
    const text = option.tooltip.formatter([{ seriesName: 'p95', value: [0, 12.34567], marker: '' }]);
    expect(text).toContain('12.3457 ms');
  });

  it('sizes its value labels itself, unless stacked charts fix their width to line up', () => {
    expect(option.grid).toMatchObject({ left: 8, containLabel: true });
    expect(buildChartOption({ ...spec, valueAxisWidth: 64 }, palette).grid).toMatchObject({
      left: 64,
      containLabel: false,
    });
  });

  it('exposes the drawn points by series name', () => {
    expect(drawnSeries(spec)).toEqual({
      p95: [
        [0, 10],
        [60_000, null],
      ],
      'p95 yesterday': [
        [0, 8],
        [60_000, 9],
      ],
    });
  });
});

describe('scatter option', () => {
  const scatter: ChartSpec = {
    unit: 'ms',
    fromMs: 0,
    toMs: 60_000,
    series: [
      { name: 'traces', kind: 'scatter', points: [[1_000, 85]], keys: ['t1'], labels: ['api: GET /'] },
      { name: 'with errors', kind: 'scatter', tone: 'bad', points: [[2_000, 865]], keys: ['t2'] },
    ],
    area: { fromMs: 500, toMs: 5_000, min: 500, max: 1_000 },
  };
  const option = buildChartOption(scatter, palette, 'rect');

  it('draws dots, errors in the alert colour and on top, and the selection as an area', () => {
    expect(option.series.map((s) => [s.type, s.itemStyle.color, s.z])).toEqual([
      ['scatter', '#1', 2],
      ['scatter', '#a', 3],
    ]);
    expect(option.series[0]).toHaveProperty('markArea.data.0', [
      { coord: [500, 500] },
      { coord: [5_000, 1_000] },
    ]);
    expect(option.brush).toMatchObject({ brushType: 'rect', xAxisIndex: 0, yAxisIndex: 0 });
  });

  it('shows one dot per tooltip, with its label', () => {
    expect(option.tooltip.trigger).toBe('item');
    const text = option.tooltip.formatter({
      seriesName: 'traces',
      seriesIndex: 0,
      dataIndex: 0,
      value: [1_000, 85],
    });
    expect(text).toContain('traces · api: GET /: <b>85 ms</b>');
  });
});
