// One ECharts chart. The library is fetched the first time a chart is shown; the chart follows its
// box's size. `label` is what a screen reader hears instead of the canvas (the numbers are in the
// tables of the same page).
import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';

type ECharts = { setOption: (o: EChartsCoreOption, notMerge?: boolean) => void; resize: () => void; dispose: () => void };
let loading: Promise<typeof import('./echarts')> | null = null;

export function Chart({ option, label, height = 260, testId }: { option: EChartsCoreOption; label: string; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let gone = false;
    let observer: ResizeObserver | null = null;
    loading ??= import('./echarts');
    loading.then(
      ({ echarts }) => {
        if (gone || !box.current) return;
        chart.current = echarts.init(box.current, undefined, { renderer: 'canvas' }) as unknown as ECharts;
        chart.current.setOption(option, true);
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(box.current);
      },
      () => setFailed(true),
    );
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
    // The chart is made once; option changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  if (failed) return <p className="muted">The chart could not be loaded; reload the page to try again.</p>;
  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} data-testid={testId} />;
}

export const palette = { sent: '#2563eb', delivered: '#0891b2', read: '#059669', replied: '#d97706', clicks: '#7c3aed', leads: '#db2777' };
