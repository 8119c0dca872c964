// Apache ECharts, only the parts the analytics page draws (line and bar charts on a canvas, with axes,
// tooltips and legends). Imported lazily by Chart.tsx, so its 515 kB (173 kB gzipped, vite build) stay out of every other page.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
