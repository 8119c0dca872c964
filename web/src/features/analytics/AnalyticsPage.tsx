// Analytics (issue 9 item 6): KPI cards with month-over-month change, activity per day, best posting
// hours, campaign performance, account health, group intelligence and lead journeys. Everything
// reloads when the server says the numbers changed ("analytics.updated", at most once a second).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type Project } from '../../api';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading, TableCard } from '../../components/ui';
import { formatDate, formatDateTime } from '../../components/format';
import { useLiveEvents } from '../../live';
import { formatPhone } from '../accounts/meta';
import { LazyEChart } from '../../components/charts/LazyEChart';
import { WebhooksCard, WeeklyReportCard } from './WebhooksCard';
import { analyticsApi, type AccountRow, type CampaignRow, type GroupRow, type Lead, type Overview } from './api';
import './analytics.css';

const RANGES = [7, 30, 90];
const fmt = new Intl.NumberFormat('en-IN');

interface Data {
  overview: Overview;
  campaigns: CampaignRow[];
  accounts: AccountRow[];
  groups: GroupRow[];
  leads: Lead[];
}

export function AnalyticsPage({ project }: { project: Project }) {
  const [days, setDays] = useState(30);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [journey, setJourney] = useState<Lead | null>(null);

  const load = useCallback(async () => {
    try {
      const [overview, campaigns, accounts, groups, leads] = await Promise.all([
        analyticsApi.overview(project.id, days),
        analyticsApi.campaigns(project.id, days),
        analyticsApi.accounts(project.id, days),
        analyticsApi.groups(project.id, days),
        analyticsApi.leads(project.id),
      ]);
      setData({ overview, campaigns: campaigns.items, accounts: accounts.items, groups: groups.items, leads: leads.items });
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [project.id, days]);
  useEffect(() => {
    void load();
  }, [load]);

  // Live: a burst of events becomes one reload every 2 s at most.
  const pending = useRef<number | null>(null);
  useLiveEvents((ev) => {
    if (ev.project_id !== project.id || ev.event !== 'analytics.updated' || pending.current !== null) return;
    pending.current = window.setTimeout(() => {
      pending.current = null;
      void load();
    }, 2000);
  });
  useEffect(() => () => { if (pending.current !== null) clearTimeout(pending.current); }, []);

  return (
    <div className="page analytics">
      <PageHeader
        title="Analytics"
        subtitle={data ? `Which campaigns, groups and numbers bring leads. Days in ${data.overview.time_zone}.` : 'Which campaigns, groups and numbers bring leads.'}
        actions={
          <label className="range-select">
            <span>Range</span>
            <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="analytics-range">
              {RANGES.map((d) => (
                <option key={d} value={d}>
                  Last {d} days
                </option>
              ))}
            </select>
          </label>
        }
      />
      {error && <ErrorBanner title="Analytics could not be loaded">{error}</ErrorBanner>}
      {!data ? (
        !error && <PageLoading />
      ) : (
        <>
          <Kpis overview={data.overview} />
          <Card title="Activity per day" subtitle="Messages sent, delivered, read and replied to, link clicks and leads">
            <DailyChart overview={data.overview} />
          </Card>
          <Card title="Best posting times" subtitle="By local hour of sending: messages sent, and the share of them read">
            <HourChart overview={data.overview} />
          </Card>
          <CampaignTable items={data.campaigns} />
          <div className="grid-2 analytics-grid">
            <AccountTable items={data.accounts} />
            <Card title="Account health over the last 30 days">
              <HealthChart items={data.accounts} />
            </Card>
          </div>
          <GroupTable items={data.groups} />
          <LeadTable items={data.leads} onJourney={setJourney} />
          {journey && <JourneyCard lead={journey} groups={data.groups} campaigns={data.campaigns} onClose={() => setJourney(null)} />}
          <WeeklyReportCard projectId={project.id} />
          {project.role === 'owner' && <WebhooksCard projectId={project.id} />}
        </>
      )}
    </div>
  );
}

function Kpis({ overview }: { overview: Overview }) {
  const prev = overview.kpis.previous_month;
  return (
    <section className="kpis" aria-label={`Key figures for ${overview.kpis.month}`} data-testid="kpis">
      {overview.kpis.cards.map((c) => {
        const up = (c.change_pct ?? 0) > 0;
        const tone = c.change_pct === null || c.change_pct === 0 ? 'flat' : up ? 'up' : 'down';
        return (
          <div className="kpi" key={c.key} data-testid={`kpi-${c.key}`}>
            <div className="kpi-label">{c.label}</div>
            <div className="kpi-value">{c.key === 'conversion' ? `${c.value}%` : fmt.format(c.value)}</div>
            <div className={`kpi-change ${tone}`}>
              {c.change_pct === null ? `no figure for ${prev}` : `${up ? '▲' : c.change_pct < 0 ? '▼' : ''} ${Math.abs(c.change_pct)}% vs ${prev}`}
            </div>
          </div>
        );
      })}
    </section>
  );
}

const axisText = { color: '#475467' };
const palette = { sent: '#2563eb', delivered: '#0891b2', read: '#059669', replied: '#d97706', clicks: '#7c3aed', leads: '#db2777' };

function DailyChart({ overview }: { overview: Overview }) {
  const option = useMemo(() => {
    const keys = ['sent', 'delivered', 'read', 'replied', 'clicks', 'leads'] as const;
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: axisText },
      grid: { left: 44, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: overview.series.map((d) => d.day.slice(5)), axisLabel: axisText },
      yAxis: { type: 'value', axisLabel: axisText },
      series: keys.map((k) => ({ name: k[0]!.toUpperCase() + k.slice(1), type: 'line', showSymbol: false, color: palette[k], data: overview.series.map((d) => d[k]) })),
    };
  }, [overview]);
  const total = overview.series.reduce((a, d) => ({ sent: a.sent + d.sent, read: a.read + d.read, replied: a.replied + d.replied }), { sent: 0, read: 0, replied: 0 });
  return <LazyEChart height={260} option={option} testId="chart-daily" label={`From ${overview.from} to ${overview.to}: ${total.sent} sent, ${total.read} read, ${total.replied} replied.`} />;
}

function HourChart({ overview }: { overview: Overview }) {
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: axisText },
      grid: { left: 44, right: 44, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: overview.hours.map((h) => `${String(h.hour).padStart(2, '0')}:00`), axisLabel: axisText },
      yAxis: [
        { type: 'value', name: 'sent', axisLabel: axisText },
        { type: 'value', name: 'read %', max: 100, axisLabel: axisText },
      ],
      series: [
        { name: 'Sent', type: 'bar', color: palette.sent, data: overview.hours.map((h) => h.sent) },
        { name: 'Read %', type: 'line', yAxisIndex: 1, color: palette.read, data: overview.hours.map((h) => h.read_rate) },
      ],
    }),
    [overview],
  );
  const best = [...overview.hours].filter((h) => h.sent >= 5).sort((a, b) => b.read_rate - a.read_rate)[0];
  return (
    <>
      <LazyEChart height={260} option={option} testId="chart-hours" label={best ? `Messages sent at ${best.hour}:00 were read most often (${best.read_rate}%).` : 'Too few messages yet to tell the best hour.'} />
      <p className="muted chart-note" data-testid="best-hour">
        {best ? `Best hour so far: ${String(best.hour).padStart(2, '0')}:00, ${best.read_rate}% of ${fmt.format(best.sent)} messages read.` : 'Too few messages yet to tell the best hour.'}
      </p>
    </>
  );
}

function HealthChart({ items }: { items: AccountRow[] }) {
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: axisText },
      grid: { left: 36, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'time', axisLabel: axisText },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: axisText },
      series: items.map((a) => ({ name: a.label || a.phone, type: 'line', showSymbol: false, data: a.history.map((h) => [h.at, h.score]) })),
    }),
    [items],
  );
  if (items.every((a) => a.history.length === 0)) return <p className="muted">No health history yet.</p>;
  return <LazyEChart option={option} height={220} testId="chart-health" label={items.map((a) => `${a.label || a.phone}: health ${a.health}`).join('; ')} />;
}

const num = (n: number) => <td className="right">{fmt.format(n)}</td>;

function CampaignTable({ items }: { items: CampaignRow[] }) {
  return (
    <TableCard
      title="Campaign performance"
      items={items}
      testId="campaign-table"
      empty={<EmptyState title="No campaign has sent anything in this range" />}
      head={
        <>
          <th>Campaign</th>
          <th className="right">Sent</th>
          <th className="right">Delivered</th>
          <th className="right">Read</th>
          <th className="right">Clicked</th>
          <th className="right">Replied</th>
          <th className="right">Leads</th>
          <th className="right">Conversion</th>
        </>
      }
      row={(c) => (
        <tr key={c.campaign_id}>
          <td>{c.name}</td>
          {num(c.sent)}
          {num(c.delivered)}
          {num(c.read)}
          {num(c.clicks)}
          {num(c.replied)}
          {num(c.leads)}
          <td className="right">{c.conversion}%</td>
        </tr>
      )}
    />
  );
}

function AccountTable({ items }: { items: AccountRow[] }) {
  return (
    <TableCard
      title="Account health"
      items={items}
      testId="account-table"
      empty={<EmptyState title="No numbers yet" />}
      head={
        <>
          <th>Number</th>
          <th className="right">Health</th>
          <th className="right">Sent</th>
          <th className="right">Delivered</th>
        </>
      }
      row={(a) => (
        <tr key={a.account_id}>
          <td>
            <div>{a.label}</div>
            <div className="muted small">{formatPhone(a.phone)}</div>
          </td>
          <td className="right">
            {a.health} {a.health_falling && <Badge tone="amber">falling</Badge>}
          </td>
          {num(a.sent)}
          <td className="right">{a.delivery_rate}%</td>
        </tr>
      )}
    />
  );
}

function GroupTable({ items }: { items: GroupRow[] }) {
  return (
    <TableCard
      title="Group intelligence"
      items={items.slice(0, 20)}
      testId="group-table"
      empty={<EmptyState title="No groups yet" />}
      head={
        <>
          <th>Group</th>
          <th className="right">Members</th>
          <th className="right">Leads</th>
          <th className="right">Leads per 100</th>
          <th className="right">Messages</th>
          <th className="right">Engagement</th>
          <th className="right">Post reach</th>
        </>
      }
      row={(g) => (
        <tr key={g.group_id}>
          <td>{g.name}</td>
          {num(g.members)}
          {num(g.leads)}
          <td className="right">{g.conversion}</td>
          {num(g.messages)}
          <td className="right">{g.engagement}</td>
          <td className="right">{g.reach ? `${g.reach.delivered_pct}% got, ${g.reach.read_pct}% read` : '—'}</td>
        </tr>
      )}
    />
  );
}

const qualityTone = { hot: 'red', warm: 'amber', cold: 'gray' } as const;

function LeadTable({ items, onJourney }: { items: Lead[]; onJourney: (l: Lead) => void }) {
  return (
    <TableCard
      title="Recent leads"
      items={items}
      testId="lead-table"
      empty={<EmptyState title="No leads yet">Website forms post them to the lead endpoint (docs/api.md); you can also import a CSV.</EmptyState>}
      head={
        <>
          <th>Phone</th>
          <th>Form</th>
          <th>Quality</th>
          <th className="right">Touches</th>
          <th>Submitted</th>
          <th>
            <span className="sr-only">Journey</span>
          </th>
        </>
      }
      row={(l) => (
        <tr key={l.id}>
          <td>{formatPhone(l.phone)}</td>
          <td>{l.form || '—'}</td>
          <td>
            <Badge tone={qualityTone[l.quality]}>{l.quality}</Badge>
          </td>
          {num(l.touchpoints)}
          <td>{formatDate(l.submitted_at)}</td>
          <td className="right">
            <button type="button" className="btn btn-sm" onClick={() => onJourney(l)} aria-label={`Journey of the lead from ${l.phone}`}>
              Journey
            </button>
          </td>
        </tr>
      )}
    />
  );
}

const stepText: Record<string, string> = {
  imported: 'Imported from a group',
  delivered: 'Campaign delivered',
  read: 'Campaign read',
  replied: 'Replied to a campaign',
  clicked: 'Clicked a campaign link',
  form: 'Submitted the form',
};

function JourneyCard({ lead, groups, campaigns, onClose }: { lead: Lead; groups: GroupRow[]; campaigns: CampaignRow[]; onClose: () => void }) {
  const groupName = (id: number | null) => groups.find((g) => g.group_id === id)?.name ?? (id ? `Group #${id}` : '');
  const campaignName = (id: number) => campaigns.find((c) => c.campaign_id === id)?.name ?? `Campaign #${id}`;
  const models: { key: keyof Lead['attribution']; label: string }[] = [
    { key: 'last_touch', label: 'Last touch' },
    { key: 'first_touch', label: 'First touch' },
    { key: 'linear', label: 'Linear' },
  ];
  return (
    <Card
      title={`Journey of ${formatPhone(lead.phone)}`}
      subtitle={`${lead.touchpoints} campaign touches${lead.days_to_convert !== null ? `, ${lead.days_to_convert} days to convert` : ''}, engagement ${lead.engagement}`}
      actions={
        <button type="button" className="btn btn-sm" onClick={onClose}>
          Close
        </button>
      }
    >
      <div className="journey" data-testid="journey">
        <ol className="journey-steps">
          {lead.journey.map((s, i) => (
            <li key={i}>
              <span className="journey-when">{formatDateTime(s.at)}</span>
              <span>
                {stepText[s.kind] ?? s.kind}
                {s.group_name || s.group_id ? ` — ${s.group_name ?? groupName(s.group_id)}` : ''}
                {s.campaign_id ? ` — ${campaignName(s.campaign_id)}` : ''}
              </span>
            </li>
          ))}
        </ol>
        <div className="journey-models" aria-label="Credit by model">
          {models.map((m) => (
            <div key={m.key}>
              <div className="kpi-label">{m.label}</div>
              {lead.attribution[m.key].length === 0 ? (
                <div className="muted">no campaign</div>
              ) : (
                lead.attribution[m.key].map((c) => (
                  <div key={c.campaign_id}>
                    {campaignName(c.campaign_id)}: {Math.round(c.credit * 100)}%
                  </div>
                ))
              )}
            </div>
          ))}
        </div>
      </div>
    </Card>
  );
}
