// The team inbox (issue 10 item 1): conversations with unread counts and filters on the left, the
// open conversation's thread on the right (one pane at a time on a phone). An answer goes into the
// outbox as a priority reply from the conversation's number; the page follows inbox.* events live.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, members as membersApi, type Project } from '../../api';
import { Badge, EmptyState, ErrorBanner, PageHeader, Spinner } from '../../components/ui';
import { relativeTime } from '../../components/format';
import { useLiveEvents } from '../../live';
import { useAccounts } from '../accounts/useAccounts';
import { CONSENTS, consentInfo } from '../contacts/api';
import { inboxApi, type Conversation, type InboxFilters } from './api';
import { ThreadPane } from './ThreadPane';
import { ReviewPanel } from './ReviewPanel';
import { SavedRepliesDialog } from './SavedRepliesDialog';
import './inbox.css';

function selectedFromUrl(): number | null {
  const v = new URLSearchParams(location.search).get('c');
  return v && /^\d+$/.test(v) ? Number(v) : null;
}

function showInUrl(id: number | null) {
  const url = new URL(location.href);
  if (id === null) url.searchParams.delete('c');
  else url.searchParams.set('c', String(id));
  history.replaceState(null, '', url.pathname + url.search);
}

export function InboxPage({ project }: { project: Project }) {
  const manage = project.role === 'owner' || project.role === 'manager';
  const qc = useQueryClient();
  const [filters, setFilters] = useState<InboxFilters>({ status: 'open' });
  const [draft, setDraft] = useState('');
  const [selected, setSelected] = useState<number | null>(selectedFromUrl());
  const [reviewing, setReviewing] = useState(false);
  const [savedOpen, setSavedOpen] = useState(false);
  const { items: accounts } = useAccounts(project.id);
  const team = useQuery({ queryKey: ['members', project.id], queryFn: () => membersApi.list(project.id) });

  const list = useQuery({
    queryKey: ['inbox', project.id, filters],
    queryFn: () => inboxApi.list(project.id, filters),
    meta: { events: ['inbox.*'], projectId: project.id },
  });
  const unknown = useQuery({
    queryKey: ['inbox-unknown', project.id],
    queryFn: () => inboxApi.unknown(project.id),
    meta: { events: ['outbox.*'], projectId: project.id },
    refetchInterval: 30_000,
  });

  // Typing in the search box waits 250 ms before it asks the server.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === (draft || undefined) ? f : { ...f, q: draft || undefined })), 250);
    return () => clearTimeout(t);
  }, [draft]);

  useLiveEvents((ev) => {
    if (ev.project_id !== project.id) return;
    if (ev.event === 'inbox.message' || ev.event === 'inbox.conversation') {
      const id = (ev.data as { conversation?: { id?: number } })?.conversation?.id;
      if (id) void qc.invalidateQueries({ queryKey: ['inbox-thread', project.id, id] });
    }
  });

  const open = (id: number | null) => {
    setSelected(id);
    showInUrl(id);
  };
  const set = (k: keyof InboxFilters) => (v: string) => setFilters((f) => ({ ...f, [k]: v || undefined }));
  const counts = list.data?.counts;
  const unknownCount = unknown.data?.items.length ?? 0;

  return (
    <div className="page wide inbox-page">
      <PageHeader
        title="Inbox"
        subtitle="Messages people sent to your numbers, replies to your posts, and group messages that mention you."
        actions={
          <div className="row-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setSavedOpen(true)} data-testid="saved-replies">
              Saved replies
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              aria-pressed={reviewing}
              onClick={() => setReviewing((r) => !r)}
              data-testid="review-unknown"
            >
              {unknownCount ? `Check ${unknownCount} uncertain ${unknownCount === 1 ? 'send' : 'sends'}` : 'Uncertain sends'}
            </button>
          </div>
        }
      />
      {reviewing && <ReviewPanel project={project} manage={manage} items={unknown.data?.items} error={unknown.error} onDone={() => void unknown.refetch()} />}

      <div className={`inbox ${selected !== null ? 'inbox-has-thread' : ''}`}>
        <section className="inbox-list card" aria-label="Conversations">
          <div className="inbox-summary" data-testid="inbox-counts">
            {counts ? (
              <>
                <strong>{counts.needs_reply}</strong> waiting for an answer · <strong>{counts.unread_messages}</strong> unread
              </>
            ) : (
              '\u00a0'
            )}
          </div>
          <div className="inbox-tabs" role="group" aria-label="Show">
            {(['open', 'done', 'all'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={`inbox-chip ${filters.status === s ? 'on' : ''}`}
                aria-pressed={filters.status === s}
                onClick={() => setFilters((f) => ({ ...f, status: s }))}
              >
                {s === 'open' ? 'Open' : s === 'done' ? 'Done' : 'All'}
              </button>
            ))}
            <button
              type="button"
              className={`inbox-chip ${filters.needs_reply ? 'on' : ''}`}
              aria-pressed={!!filters.needs_reply}
              onClick={() => setFilters((f) => ({ ...f, needs_reply: f.needs_reply ? undefined : 'true' }))}
              data-testid="filter-needs-reply"
            >
              Needs an answer
            </button>
          </div>
          <div className="inbox-filters">
            <input className="input" type="search" placeholder="Search" aria-label="Search conversations" value={draft} onChange={(e) => setDraft(e.target.value)} />
            <select className="select" aria-label="Number" value={filters.account ?? ''} onChange={(e) => set('account')(e.target.value)}>
              <option value="">All numbers</option>
              {(accounts ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label || a.phone}
                </option>
              ))}
            </select>
            <select className="select" aria-label="Assigned to" value={filters.assignee ?? ''} onChange={(e) => set('assignee')(e.target.value)}>
              <option value="">Anyone</option>
              <option value="me">Me</option>
              <option value="none">Nobody</option>
              {(team.data?.items ?? []).map((m) => (
                <option key={m.user_id} value={m.user_id}>
                  {m.name}
                </option>
              ))}
            </select>
            <select className="select" aria-label="Consent" value={filters.consent ?? ''} onChange={(e) => set('consent')(e.target.value)}>
              <option value="">Any consent</option>
              {CONSENTS.map((c) => (
                <option key={c} value={c}>
                  {consentInfo[c].label}
                </option>
              ))}
            </select>
          </div>
          {list.error ? (
            <ErrorBanner>{errorMessage(list.error)}</ErrorBanner>
          ) : !list.data ? (
            <div className="inbox-loading">
              <Spinner label="Loading conversations…" />
            </div>
          ) : list.data.items.length === 0 ? (
            <EmptyState title="No conversations here">
              {filters.status === 'open' && !filters.q && !filters.needs_reply
                ? 'When someone writes to one of your numbers, or mentions it in a group, the conversation appears here.'
                : 'Nothing matches these filters.'}
            </EmptyState>
          ) : (
            <ul className="inbox-items" data-testid="conversation-list">
              {list.data.items.map((c) => (
                <ConversationItem key={c.id} c={c} active={c.id === selected} onOpen={() => open(c.id)} />
              ))}
            </ul>
          )}
        </section>
        <section className="inbox-thread card" aria-label="Conversation">
          {selected === null ? (
            <EmptyState title="Choose a conversation">Pick a conversation on the left to read it and answer.</EmptyState>
          ) : (
            <ThreadPane key={selected} project={project} id={selected} manage={manage} team={team.data?.items ?? []} onBack={() => open(null)} />
          )}
        </section>
      </div>
      {savedOpen && <SavedRepliesDialog project={project} manage={manage} onClose={() => setSavedOpen(false)} />}
    </div>
  );
}

function ConversationItem({ c, active, onOpen }: { c: Conversation; active: boolean; onOpen: () => void }) {
  return (
    <li>
      <button type="button" className={`inbox-item ${active ? 'active' : ''} ${c.unread ? 'unread' : ''}`} onClick={onOpen} aria-current={active ? 'true' : undefined} data-testid="conversation">
        <span className="inbox-item-top">
          <span className="inbox-item-title">{c.title}</span>
          <span className="inbox-item-time">{relativeTime(c.last_message_at)}</span>
        </span>
        <span className="inbox-item-preview">{c.last_preview}</span>
        <span className="inbox-item-meta">
          {c.kind === 'group' && <Badge tone="violet">Group</Badge>}
          {c.needs_reply && <Badge tone="amber">Needs an answer</Badge>}
          {c.status === 'done' && <Badge tone="green">Done</Badge>}
          <span className="muted">{c.account.label || c.account.phone}</span>
          {c.assignee && <span className="muted">· {c.assignee.name}</span>}
          {c.unread > 0 && (
            <span className="inbox-unread" aria-label={`${c.unread} unread`}>
              {c.unread}
            </span>
          )}
        </span>
      </button>
    </li>
  );
}
