// The plan per account and day as a stacked bar chart (issue 8 item 18: a chart, not a table of
// timestamps). ECharts is loaded when the chart is first shown; the same numbers are also in a table
// folded under the chart, for screen readers and for anyone who wants the figures.
import { lazy, Suspense, useMemo } from 'react';
import { formatPhone } from '../accounts/meta';
import { Spinner } from '../../components/ui';
import type { ChartOption } from '../../components/charts/EChart';
import type { PlanDay } from './api';

const EChart = lazy(() => import('../../components/charts/EChart'));

// Distinguishable for common colour-blindness (Okabe–Ito), darkest first so small bars stay visible.
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];

function dayLabel(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function ScheduleChart({ days }: { days: PlanDay[] }) {
  const accounts = useMemo(() => {
    const m = new Map<number, string>();
    for (const d of days) for (const a of d.accounts) if (!m.has(a.account_id)) m.set(a.account_id, a.name ? `${a.name} (${formatPhone(a.phone)})` : formatPhone(a.phone));
    return [...m.entries()];
  }, [days]);

  const option = useMemo<ChartOption>(
    () => ({
      color: COLORS,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', bottom: 0, textStyle: { color: '#344054' } },
      grid: { left: 8, right: 8, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => dayLabel(d.date)), axisLabel: { color: '#475467' } },
      yAxis: { type: 'value', minInterval: 1, name: 'messages', nameTextStyle: { color: '#475467' }, axisLabel: { color: '#475467' } },
      series: accounts.map(([id, name]) => ({
        type: 'bar',
        name,
        stack: 'plan',
        barMaxWidth: 36,
        emphasis: { focus: 'series' },
        data: days.map((d) => d.accounts.find((a) => a.account_id === id)?.count ?? 0),
      })),
    }),
    [days, accounts],
  );

  const total = days.reduce((n, d) => n + d.accounts.reduce((m, a) => m + a.count, 0), 0);
  const label = `Planned messages per day and number: ${total} messages over ${days.length} ${days.length === 1 ? 'day' : 'days'} from ${accounts.length} ${accounts.length === 1 ? 'number' : 'numbers'}.`;

  if (!days.length) return <p className="muted small">Nothing would be sent with these settings.</p>;
  return (
    <div className="schedule-chart" data-testid="schedule-chart">
      <Suspense fallback={<div className="echart-loading"><Spinner label="Drawing the chart…" /></div>}>
        <EChart option={option} label={label} height={Math.max(220, Math.min(320, 160 + accounts.length * 12))} />
      </Suspense>
      <details className="schedule-table">
        <summary>Show the plan as a table</summary>
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {accounts.map(([id, name]) => (
                  <th key={id} scope="col" className="right">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{dayLabel(d.date)}</th>
                  {accounts.map(([id]) => (
                    <td key={id} className="right">
                      {d.accounts.find((a) => a.account_id === id)?.count ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
