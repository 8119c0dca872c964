// One campaign: its live progress (WebSocket campaign.progress, about once a second), pause / resume /
// cancel with a confirmation, why it paused itself, the plan while it has not started, and every
// message with its status and skip reason (filtered by status, paged by cursor).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, type Project } from '../../api';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { formatDateTime } from '../../components/format';
import { Badge, Card, EmptyState, ErrorBanner, InfoBanner, PageHeader, PageLoading } from '../../components/ui';
import { IconAlert } from '../../components/Icons';
import { useLiveEvents } from '../../live';
import { Link } from '../../router';
import { formatPhone } from '../accounts/meta';
import {
  MESSAGE_STATUSES,
  campaignsApi,
  dayText,
  kindInfo,
  messageStatusInfo,
  reasonText,
  statusInfo,
  type Campaign,
  type CampaignMessage,
  type CampaignProgressEvent,
  type MessageStatus,
} from './api';
import { ScheduleChart } from './ScheduleChart';
import { ProgressBar, StatusBadge } from './widgets';
import './campaigns.css';

type Action = 'launch' | 'pause' | 'resume' | 'cancel';

const actionText: Record<Action, { title: string; body: string; label: string; done: string; danger?: boolean }> = {
  launch: { title: 'Launch this campaign?', body: 'Its messages are planned now and go out within each number’s safety limits.', label: 'Launch', done: 'Campaign launched' },
  pause: { title: 'Pause this campaign?', body: 'Messages not yet sent wait; nothing more is sent until someone resumes it. A message already on its way may still arrive.', label: 'Pause', done: 'Campaign paused' },
  resume: { title: 'Resume this campaign?', body: 'Sending goes on where it stopped, within the working hours and each number’s limits.', label: 'Resume', done: 'Campaign resumed' },
  cancel: { title: 'Cancel this campaign?', body: 'Every message not yet sent is dropped. This cannot be undone; sent messages stay sent.', label: 'Cancel campaign', done: 'Campaign cancelled', danger: true },
};

const allowed: Record<Campaign['status'], Action[]> = {
  draft: ['launch'],
  scheduled: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

export function CampaignPage({ project, campaignId }: { project: Project; campaignId: number }) {
  const toast = useToast();
  const qc = useQueryClient();
  const canWrite = project.role === 'owner' || project.role === 'manager';
  const key = ['campaign', project.id, campaignId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => campaignsApi.get(project.id, campaignId),
    meta: { events: ['campaign.updated', 'campaign.status'], projectId: project.id },
  });
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [messagesTick, setMessagesTick] = useState(0);
  const lastTick = useRef(0);

  // Progress arrives about once a second: it is written into the cached campaign; the message list is
  // reloaded at most every 5 s (and at once when the status changes), so a long list is not refetched per event.
  useLiveEvents((ev) => {
    if (ev.project_id !== project.id || ev.event !== 'campaign.progress') return;
    const d = ev.data as CampaignProgressEvent;
    if (d.campaign_id !== campaignId) return;
    let statusChanged = false;
    qc.setQueryData<Campaign>(key, (c) => {
      if (!c) return c;
      statusChanged = c.status !== d.status;
      return { ...c, status: d.status, status_reason: d.status_reason, progress: d.progress };
    });
    if (statusChanged || Date.now() - lastTick.current > 5000) {
      lastTick.current = Date.now();
      setMessagesTick((n) => n + 1);
    }
  });

  if (q.isPending) return <PageLoading />;
  if (q.error)
    return (
      <div className="page">
        <EmptyState title="Campaign not found" action={<Link to={`/projects/${project.id}/campaigns`} className="btn btn-secondary">Back to campaigns</Link>}>
          {errorMessage(q.error)}
        </EmptyState>
      </div>
    );
  const c = q.data;
  const base = `/projects/${project.id}/campaigns`;
  const actions = canWrite ? allowed[c.status] : [];
  const editable = canWrite && c.status === 'draft'; // the server changes drafts only (409 otherwise)

  const run = async (a: Action) => {
    const next = await campaignsApi.action(project.id, c.id, a);
    qc.setQueryData(key, next);
    setMessagesTick((n) => n + 1);
    toast(actionText[a].done);
  };

  return (
    <div className="page camp-page">
      <PageHeader
        title={c.name || 'Untitled campaign'}
        subtitle={
          <span className="camp-head-sub">
            <Link to={base}>← All campaigns</Link>
            <StatusBadge status={c.status} />
            <span className="muted">{kindInfo[c.kind]?.label}</span>
          </span>
        }
        actions={
          <>
            {editable && (
              <Link to={`${base}/${c.id}/edit`} className="btn btn-secondary" data-testid="campaign-edit">
                Edit
              </Link>
            )}
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={a === 'cancel' ? 'btn btn-danger-outline' : a === 'launch' || a === 'resume' ? 'btn btn-primary' : 'btn btn-secondary'}
                onClick={() => setConfirm(a)}
                data-testid={`campaign-${a}`}
              >
                {actionText[a].label}
              </button>
            ))}
          </>
        }
      />
      {c.status === 'paused' && c.status_reason && (
        <div className="banner banner-warning camp-reason" role="status" data-testid="status-reason">
          <IconAlert size={18} />
          <div>
            <strong>{reasonText(c.status_reason)}</strong>
            {/automatic|breaker|banned|critical|report|block/i.test(c.status_reason) && (
              <>
                {' '}
                Check the numbers on the <Link to={`/projects/${project.id}/accounts`}>Accounts page</Link> before you resume; only a person can resume it.
              </>
            )}
          </div>
        </div>
      )}
      {c.status !== 'paused' && c.status_reason && <InfoBanner>{reasonText(c.status_reason)}</InfoBanner>}

      <Card title="Progress" subtitle={statusInfo[c.status]?.hint}>
        <ProgressBar progress={c.progress} label={`Progress of ${c.name}`} />
        <dl className="camp-facts">
          <div>
            <dt>Start</dt>
            <dd>{dayText(c.schedule.start_date) ?? 'When launched'}</dd>
          </div>
          <div>
            <dt>End</dt>
            <dd>{dayText(c.schedule.end_date) ?? 'When every message is sent'}</dd>
          </div>
          <div>
            <dt>Per day</dt>
            <dd>{c.schedule.per_day_cap ?? 'As the limits allow'}</dd>
          </div>
          <div>
            <dt>Launched</dt>
            <dd>{formatDateTime(c.launched_at)}</dd>
          </div>
          {c.completed_at && (
            <div>
              <dt>Finished</dt>
              <dd>{formatDateTime(c.completed_at)}</dd>
            </div>
          )}
        </dl>
      </Card>

      {(c.status === 'draft' || c.status === 'scheduled') && <PlanCard project={project} campaign={c} />}

      <Card title="Message" subtitle="As written, with its variables and variations; each message is filled in for its group or contact.">
        <div className="bubble camp-body">{c.body}</div>
      </Card>

      <MessagesCard project={project} campaignId={c.id} tick={messagesTick} />

      {confirm && (
        <ConfirmDialog
          title={actionText[confirm].title}
          confirmLabel={actionText[confirm].label}
          danger={actionText[confirm].danger}
          onClose={() => setConfirm(null)}
          onConfirm={() => run(confirm)}
        >
          {actionText[confirm].body}
        </ConfirmDialog>
      )}
    </div>
  );
}

function PlanCard({ project, campaign }: { project: Project; campaign: Campaign }) {
  const q = useQuery({ queryKey: ['campaign-preview', project.id, campaign.id, campaign.updated_at], queryFn: () => campaignsApi.preview(project.id, campaign.id) });
  return (
    <Card title="Plan per number and day">
      {q.isPending ? (
        <PageLoading />
      ) : q.error ? (
        <p className="field-error">{errorMessage(q.error)}</p>
      ) : (
        <>
          <p className="muted small">
            {q.data.targets.selected.toLocaleString('en-IN')} selected · {q.data.plan.total.toLocaleString('en-IN')} messages planned
          </p>
          <ScheduleChart days={q.data.plan.days} />
        </>
      )}
    </Card>
  );
}

function MessagesCard({ project, campaignId, tick }: { project: Project; campaignId: number; tick: number }) {
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const [items, setItems] = useState<CampaignMessage[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const pages = useRef(1);
  const seq = useRef(0);

  const loadFirst = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const r = await campaignsApi.messages(project.id, campaignId, { status: status || undefined });
      if (mine !== seq.current) return;
      setItems(r.items);
      setCursor(r.next_cursor);
      setError(null);
      pages.current = 1;
    } catch (e) {
      if (mine === seq.current) setError(errorMessage(e));
    }
  }, [project.id, campaignId, status]);

  useEffect(() => {
    setItems(null);
    void loadFirst();
  }, [loadFirst]);
  // Live refresh only while the reader is on the first page (a refresh must not take away pages they loaded).
  useEffect(() => {
    if (tick && pages.current === 1) void loadFirst();
  }, [tick]); // eslint-disable-line react-hooks/exhaustive-deps

  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const r = await campaignsApi.messages(project.id, campaignId, { status: status || undefined, cursor });
      setItems((l) => [...(l ?? []), ...r.items]);
      setCursor(r.next_cursor);
      pages.current += 1;
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setMore(false);
    }
  };

  const columns: DataColumn<CampaignMessage>[] = [
    {
      id: 'target',
      header: 'To',
      phone: 'title',
      cell: (m) => (
        <div className="camp-name-cell">
          <span className="strong">{m.target_name || (m.group_id ? 'A group' : formatPhone(m.target))}</span>
          {m.target_name && !m.group_id && <span className="muted small">{formatPhone(m.target)}</span>}
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (m) => {
        const s = messageStatusInfo[m.status] ?? { label: m.status, tone: 'gray' as const };
        return (
          <div className="camp-status-cell">
            <Badge tone={s.tone} dot>
              {s.label}
            </Badge>
            {m.reason && <span className="small">{reasonText(m.reason)}</span>}
          </div>
        );
      },
      cellProps: (m) => ({ 'data-status': m.status }),
    },
    { id: 'from', header: 'From', className: 'nowrap', cell: (m) => (m.account_phone ? formatPhone(m.account_phone) : <span className="muted">—</span>) },
    { id: 'planned', header: 'Planned', className: 'nowrap', cell: (m) => <span className="small">{formatDateTime(m.planned_at)}</span> },
    {
      id: 'sent',
      header: 'Sent',
      className: 'nowrap',
      cell: (m) => (
        <span className="small">
          {formatDateTime(m.sent_at)}
          {m.read_at ? ` · read ${formatDateTime(m.read_at)}` : m.delivered_at ? ` · delivered ${formatDateTime(m.delivered_at)}` : ''}
        </span>
      ),
    },
  ];

  return (
    <Card
      flush
      title="Messages"
      actions={
        <select className="select select-sm" value={status} onChange={(e) => setStatus(e.target.value as MessageStatus | '')} aria-label="Show messages with status" data-testid="messages-status">
          <option value="">Every status</option>
          {MESSAGE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {messageStatusInfo[s].label}
            </option>
          ))}
        </select>
      }
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {items === null ? (
        error ? null : <PageLoading />
      ) : items.length === 0 ? (
        <EmptyState title={status ? `No message is ${messageStatusInfo[status].label.toLowerCase()}` : 'No messages yet'}>
          {status ? 'Choose “Every status” to see them all.' : 'Messages are listed once the campaign is launched and planned.'}
        </EmptyState>
      ) : (
        <>
          <DataTable rows={items} columns={columns} getRowId={(m) => String(m.id)} testId="messages-table" label="Messages of this campaign" />
          {cursor && (
            <div className="card-footer">
              <button type="button" className="btn btn-secondary" onClick={() => void loadMore()} disabled={more} data-testid="messages-more">
                {more ? 'Loading…' : 'Show more'}
              </button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

