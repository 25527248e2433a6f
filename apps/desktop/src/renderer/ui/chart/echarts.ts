// Only what the console draws is registered: line and scatter charts on a time axis with tooltips, a legend,
// event markers, a marked area (a selection) and brush-to-zoom, on canvas. Everything else in ECharts stays
// out of the bundle.
import { LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  BrushComponent,
  CanvasRenderer,
]);

export { init };
export type { ECharts } from 'echarts/core';
