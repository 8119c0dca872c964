// The shared ECharts chart (EChart.tsx), fetched the first time a chart is shown: ECharts stays out
// of every page that draws none. While it loads, a box of the chart's height holds the place (the
// page does not jump); if it cannot be fetched (a deploy replaced the files), a line says so.
import { Component, lazy, Suspense, type ReactNode } from 'react';
import { Spinner } from '../ui';
import type { ChartOption } from './EChart';

export type { ChartOption };

const EChart = lazy(() => import('./EChart'));

class LoadFailed extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (this.state.failed) return <p className="muted">The chart could not be loaded; reload the page to try again.</p>;
    return this.props.children;
  }
}

export function LazyEChart({ option, label, height = 280, testId }: { option: ChartOption; label: string; height?: number; testId?: string }) {
  return (
    <LoadFailed>
      <Suspense fallback={<div className="echart-loading" style={{ height }}><Spinner label="Drawing the chart…" /></div>}>
        <EChart option={option} label={label} height={height} testId={testId} />
      </Suspense>
    </LoadFailed>
  );
}
