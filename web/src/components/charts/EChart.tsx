// An Apache ECharts chart as a React component. Import it lazily (LazyEChart below), so ECharts
// (~170 KB gzip for the parts registered here) is fetched only by a page that draws a chart, never by
// the first page of a visit. Only the chart types and components registered here end up in the bundle.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export type ChartOption = EChartsCoreOption;

export default function EChart({ option, height = 280, label, testId }: { option: ChartOption; height?: number; label: string; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    // Charts resize with their box (issue 11 item 1): the sidebar folding, a phone turned sideways.
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // ECharts' aria component writes the container's aria-label; it is given ours, not its own wording.
    chart.current?.setOption({ aria: { enabled: true, label: { description: label } }, animationDuration: 300, ...option }, { notMerge: true });
  }, [option, label]);

  return <div ref={el} className="echart" style={{ height }} role="img" aria-label={label} data-testid={testId} />;
}
