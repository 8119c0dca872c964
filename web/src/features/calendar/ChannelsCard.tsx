// Our channels (issue 10 item 10): followers now and over 30 days as a chart, what WhatsApp does not
// tell (views), and a one-click "Promote in groups" that opens the campaign builder prefilled with a
// post inviting group members to follow the channel.
import { lazy, Suspense, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../api';
import { navigate } from '../../router';
import type { ChartOption } from '../../components/charts/EChart';
import { Card, EmptyState, ErrorBanner, InfoBanner, Spinner } from '../../components/ui';
import { channelsApi, type Channel } from './api';

const EChart = lazy(() => import('../../components/charts/EChart'));

const fmt = (n: number) => n.toLocaleString('en-IN');
const signed = (n: number | null) => (n === null ? '—' : `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n))}`);

function promoteUrl(projectId: number, c: Channel): string {
  const link = c.invite_link ?? '<paste the channel link here>';
  const body = `{Hello|Namaste|Vanakkam} {{group}}! Follow our WhatsApp channel “${c.name}” for weekly tips and offers: ${link}`;
  const q = new URLSearchParams({ name: `Promote the channel ${c.name}`.slice(0, 120), body });
  return `/projects/${projectId}/campaigns/new?${q.toString()}`;
}

function GrowthChart({ c }: { c: Channel }) {
  const option = useMemo<ChartOption>(
    () => ({
      color: ['#0072B2'],
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: c.history.map((h) => new Date(`${h.date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })),
        axisLabel: { color: '#475467' },
      },
      yAxis: { type: 'value', scale: true, name: 'followers', nameTextStyle: { color: '#475467' }, axisLabel: { color: '#475467' } },
      series: [{ type: 'line', name: 'Followers', smooth: true, showSymbol: false, areaStyle: { opacity: 0.08 }, data: c.history.map((h) => h.followers) }],
    }),
    [c.history],
  );
  if (c.history.length < 2) return <p className="muted">The growth chart fills in as followers are counted, once a day.</p>;
  const first = c.history[0], last = c.history[c.history.length - 1];
  const label = `Followers of ${c.name} per day: ${fmt(first.followers)} on ${first.date}, ${fmt(last.followers)} on ${last.date}.`;
  return (
    <Suspense fallback={<div className="echart-loading"><Spinner label="Drawing the chart…" /></div>}>
      <EChart option={option} label={label} height={220} testId="channel-growth" />
    </Suspense>
  );
}

export function ChannelsCard({ projectId, manage }: { projectId: number; manage: boolean }) {
  const q = useQuery({ queryKey: ['channels', projectId], queryFn: () => channelsApi.list(projectId), meta: { events: ['groups.*'], projectId } });
  const ours = (q.data?.items ?? []).filter((c) => c.ours);
  return (
    <Card title="Channels" subtitle="Followers are counted once a day from WhatsApp.">
      {q.isError && <ErrorBanner title="The channels could not be loaded.">{errorMessage(q.error)}</ErrorBanner>}
      {!q.data ? (
        !q.isError && <Spinner label="Loading channels…" />
      ) : ours.length === 0 ? (
        <EmptyState title="No channel of yours yet">Channels where one of your numbers is owner or admin show here after the next group sync.</EmptyState>
      ) : (
        <div className="stack">
          <InfoBanner>{q.data.views_note}</InfoBanner>
          {ours.map((c) => (
            <section key={c.id} className="channel-block" aria-label={c.name} data-testid="channel">
              <div className="channel-head">
                <div>
                  <h3 className="channel-name">{c.name}</h3>
                  <div className="channel-stats">
                    <span><strong data-testid="channel-followers">{fmt(c.followers)}</strong> followers</span>
                    <span>{signed(c.change_7d)} in 7 days</span>
                    <span>{signed(c.change_30d)} in 30 days</span>
                    <span className="muted">Views: not available from WhatsApp</span>
                  </div>
                </div>
                {manage && (
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => navigate(promoteUrl(projectId, c))} data-testid="channel-promote">
                    Promote in groups
                  </button>
                )}
              </div>
              <GrowthChart c={c} />
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}
