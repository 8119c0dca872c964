// The project's campaigns, newest first: status in words with colour and icon, live progress, kind,
// and when the next message goes; filtered by status (kept in the address, ?status=…).
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Project } from '../../api';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format';
import { useList } from '../../components/useList';
import { Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { useLiveEvents } from '../../live';
import { Link } from '../../router';
import { STATUSES, campaignsApi, dayText, kindInfo, reasonText, statusInfo, type Campaign, type CampaignProgressEvent, type CampaignStatus } from './api';
import { ProgressBar, StatusBadge } from './widgets';
import './campaigns.css';

/** When the next message goes, in words (the API may add `next_at`; until then the schedule tells). */
function nextSend(c: Campaign & { next_at?: string | null }): string {
  if (c.next_at) return formatDateTime(c.next_at);
  switch (c.status) {
    case 'draft':
      return 'Not launched';
    case 'scheduled':
      return dayText(c.schedule.start_date) ? `Starts ${dayText(c.schedule.start_date)}` : 'Starts in the next working hours';
    case 'running':
      return c.progress.queued > 0 ? 'Within working hours' : 'Finishing';
    case 'paused':
      return 'Waits for resume';
    default:
      return '—';
  }
}

export function CampaignsPage({ project }: { project: Project }) {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as CampaignStatus | '';
  const { items, error } = useList(() => campaignsApi.list(project.id, { status: status || undefined }), [project.id, status], {
    key: ['campaigns', project.id, status],
    invalidateOn: ['campaign.created', 'campaign.updated', 'campaign.deleted', 'campaign.status'],
    projectId: project.id,
  });
  // Progress events (about one a second per running campaign) update rows in place instead of refetching.
  const [live, setLive] = useState<Record<number, CampaignProgressEvent>>({});
  useLiveEvents((ev) => {
    if (ev.project_id !== project.id || ev.event !== 'campaign.progress') return;
    const d = ev.data as CampaignProgressEvent;
    setLive((m) => ({ ...m, [d.campaign_id]: d }));
  });
  const rows = useMemo(
    () =>
      (items ?? [])
        .map((c) => (live[c.id] ? { ...c, status: live[c.id]!.status, status_reason: live[c.id]!.status_reason, progress: live[c.id]!.progress } : c))
        .filter((c) => !status || c.status === status),
    [items, live, status],
  );
  const base = `/projects/${project.id}/campaigns`;
  const canWrite = project.role === 'owner' || project.role === 'manager';

  const columns: DataColumn<Campaign>[] = [
    {
      id: 'name',
      header: 'Campaign',
      phone: 'title',
      cell: (c) => (
        <div className="camp-name-cell">
          <Link to={`${base}/${c.id}`} className="strong">
            {c.name || 'Untitled campaign'}
          </Link>
          <span className="muted small">{kindInfo[c.kind]?.label ?? c.kind}</span>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => (
        <div className="camp-status-cell">
          <StatusBadge status={c.status} />
          {c.status_reason && c.status === 'paused' && <span className="small text-amber">{reasonText(c.status_reason)}</span>}
        </div>
      ),
    },
    { id: 'progress', header: 'Progress', className: 'camp-progress-col', cell: (c) => <ProgressBar compact progress={c.progress} label={`Progress of ${c.name}`} /> },
    { id: 'next', header: 'Next send', className: 'nowrap', cell: (c) => <span className="small">{nextSend(c)}</span> },
  ];

  return (
    <div className="page">
      <PageHeader
        title="Campaigns"
        subtitle="Posts to groups, channels and communities, and one-to-one follow-ups — planned within each number’s safety limits."
        actions={
          canWrite && (
            <>
              <Link to={`/projects/${project.id}/templates`} className="btn btn-secondary">
                Templates
              </Link>
              <Link to={`${base}/new`} className="btn btn-primary" data-testid="campaign-new">
                New campaign
              </Link>
            </>
          )
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Card flush>
        <div className="camp-filters" role="group" aria-label="Show campaigns">
          <div className="segmented camp-status-filter">
            {(['', ...STATUSES] as const).map((s) => (
              <button
                key={s || 'all'}
                type="button"
                aria-pressed={status === s}
                onClick={() => setParams(s ? { status: s } : {}, { replace: true })}
                data-testid={`status-filter-${s || 'all'}`}
              >
                {s ? statusInfo[s].label : 'All'}
              </button>
            ))}
          </div>
        </div>
        {items === null ? (
          error ? <EmptyState title="Campaigns could not be loaded" /> : <PageLoading />
        ) : rows.length === 0 ? (
          <EmptyState
            title={status ? `No ${statusInfo[status].label.toLowerCase()} campaigns` : 'No campaigns yet'}
            action={
              canWrite && !status ? (
                <Link to={`${base}/new`} className="btn btn-primary">
                  Create a campaign
                </Link>
              ) : undefined
            }
          >
            {status ? 'Choose “All” to see every campaign.' : 'A campaign sends one message to many groups or contacts, spread over days and numbers.'}
          </EmptyState>
        ) : (
          <DataTable rows={rows} columns={columns} getRowId={(c) => String(c.id)} testId="campaigns-table" label="Campaigns" rowProps={(c) => ({ 'data-campaign-id': c.id, 'data-status': c.status })} />
        )}
      </Card>
    </div>
  );
}
