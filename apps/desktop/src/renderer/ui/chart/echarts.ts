// Only what the console draws is registered: line charts on a time axis with tooltips, a legend, event
// markers and brush-to-zoom, on canvas. Everything else in ECharts stays out of the bundle.
import { LineChart } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  BrushComponent,
  CanvasRenderer,
]);

export { init };
export type { ECharts } from 'echarts/core';
