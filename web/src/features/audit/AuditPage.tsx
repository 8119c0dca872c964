import { useCallback, useEffect, useMemo, useState } from 'react';
import { audit as auditApi, errorMessage, members as membersApi, type AuditItem, type AuditQuery, type Project } from '../../api';
import { Avatar, Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { relativeTime } from '../../components/format';
import { useList } from '../../components/useList';
import { useLiveEvents } from '../../live';
import { useAccounts } from '../accounts/useAccounts';
import { actorName, auditSentence, formatInZone, zonedMidnight } from './sentence';

const PAGE = 50;

function short(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x === 'string')) return v.join(', ');
    if (v.every((x) => x && typeof x === 'object' && 'start' in x && 'end' in x))
      return v.map((x) => `${(x as { start: string }).start}–${(x as { end: string }).end}`).join(', ');
  }
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

const HIDDEN = new Set(['id', 'updated_at', 'created_at']);

interface Change {
  key: string;
  before?: unknown;
  after?: unknown;
  kind: 'changed' | 'added' | 'removed';
}

/** The fields that differ between before and after (both may be null for creations/deletions). */
export function summarize(item: AuditItem): Change[] {
  const b = item.before ?? {};
  const a = item.after ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !HIDDEN.has(k));
  const out: Change[] = [];
  for (const k of keys) {
    const inB = item.before !== null && k in b;
    const inA = item.after !== null && k in a;
    if (inB && inA) {
      if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) out.push({ key: k, before: b[k], after: a[k], kind: 'changed' });
    } else if (inA) out.push({ key: k, after: a[k], kind: 'added' });
    else if (inB) out.push({ key: k, before: b[k], kind: 'removed' });
  }
  return out;
}

function actionTone(action: string): 'green' | 'red' | 'blue' | 'gray' {
  if (/(created|added|create|add)$/.test(action)) return 'green';
  if (/(deleted|removed|delete|remove|revoked)$/.test(action)) return 'red';
  if (/(updated|changed|update)$/.test(action)) return 'blue';
  return 'gray';
}

function Changes({ item }: { item: AuditItem }) {
  const changes = summarize(item);
  if (changes.length === 0) return <span className="muted">—</span>;
  const onlyAdded = changes.every((c) => c.kind === 'added');
  const onlyRemoved = changes.every((c) => c.kind === 'removed');
  const shown = changes.slice(0, 4);
  return (
    <div className="changes">
      {shown.map((c) => (
        <div key={c.key} className="change">
          <span className="change-key">{c.key}</span>
          {c.kind === 'changed' ? (
            <>
              <span className="change-before">{short(c.before)}</span>
              <span className="change-arrow">→</span>
              <span className="change-after">{short(c.after)}</span>
            </>
          ) : c.kind === 'added' ? (
            <span className={onlyAdded ? 'change-value' : 'change-after'}>{short(c.after)}</span>
          ) : (
            <span className={onlyRemoved ? 'change-value' : 'change-before'}>{short(c.before)}</span>
          )}
        </div>
      ))}
      {changes.length > shown.length && (
        <details className="change-more">
          <summary>{changes.length - shown.length} more</summary>
          {changes.slice(shown.length).map((c) => (
            <div key={c.key} className="change">
              <span className="change-key">{c.key}</span>
              {c.kind === 'changed' && (
                <>
                  <span className="change-before">{short(c.before)}</span>
                  <span className="change-arrow">→</span>
                </>
              )}
              <span className="change-after">{short(c.kind === 'removed' ? c.before : c.after)}</span>
            </div>
          ))}
        </details>
      )}
    </div>
  );
}

const KINDS: { value: string; label: string }[] = [
  { value: '', label: 'Everything' },
  { value: 'project', label: 'Settings' },
  { value: 'member', label: 'Members' },
  { value: 'invitation', label: 'Invitations' },
  { value: 'account', label: 'Numbers' },
  { value: 'alert', label: 'Alerts' },
];

export function AuditPage({ project }: { project: Project }) {
  const [items, setItems] = useState<AuditItem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [actor, setActor] = useState('');
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const { items: memberList } = useList(() => membersApi.list(project.id), [project.id]);
  const { items: accountList } = useAccounts(project.id);

  const ctx = useMemo(
    () => ({
      projectName: project.name,
      names: new Map((memberList ?? []).map((m) => [m.email, m.name || m.email])),
      phones: new Map((accountList ?? []).map((a) => [a.id, a.phone])),
    }),
    [project.name, memberList, accountList],
  );

  const filter = useMemo((): AuditQuery => {
    const f: AuditQuery = {};
    if (actor !== '') f.actor = Number(actor);
    if (kind) f.kind = kind;
    const a = from ? zonedMidnight(from, project.time_zone) : null;
    const b = to ? zonedMidnight(to, project.time_zone) : null;
    if (a !== null) f.from = a;
    if (b !== null) f.to = b + 86400000; // the whole "to" day
    return f;
  }, [actor, kind, from, to, project.time_zone]);

  const loadFirst = useCallback(async () => {
    try {
      const r = await auditApi.list(project.id, null, PAGE, filter);
      setItems(r.items);
      setNext(r.next_before);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
      setItems((i) => i ?? []);
    }
  }, [project.id, filter]);

  useEffect(() => {
    setItems(null);
    void loadFirst();
  }, [loadFirst]);

  // New activity on this project: reload the newest page (older pages stay as loaded only if untouched).
  useLiveEvents((ev) => {
    if (ev.project_id === project.id && next === null) void loadFirst();
  });

  const loadMore = async () => {
    if (next === null) return;
    setBusy(true);
    try {
      const r = await auditApi.list(project.id, next, PAGE, filter);
      setItems((i) => [...(i ?? []), ...r.items]);
      setNext(r.next_before);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const filtered = actor !== '' || kind !== '' || from !== '' || to !== '';

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        subtitle={`Everything people, WhatsApp and Sangam did in ${project.name}, newest first. Times are in ${project.time_zone.replace(/_/g, ' ')}.`}
      />
      <Card>
        <form className="audit-filters" onSubmit={(e) => e.preventDefault()} data-testid="audit-filters">
          <div className="field">
            <label className="field-label" htmlFor="audit-actor">
              Person
            </label>
            <select id="audit-actor" className="select" value={actor} onChange={(e) => setActor(e.target.value)}>
              <option value="">Anyone</option>
              {(memberList ?? []).map((m) => (
                <option key={m.user_id} value={m.user_id}>
                  {m.name || m.email}
                </option>
              ))}
              <option value="0">Sangam and WhatsApp (automatic)</option>
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="audit-kind">
              Kind
            </label>
            <select id="audit-kind" className="select" value={kind} onChange={(e) => setKind(e.target.value)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="audit-from">
              From
            </label>
            <input id="audit-from" type="date" className="input" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="audit-to">
              To
            </label>
            <input id="audit-to" type="date" className="input" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
          </div>
          {filtered && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setActor('');
                setKind('');
                setFrom('');
                setTo('');
              }}
            >
              Clear filters
            </button>
          )}
        </form>
      </Card>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Card flush>
        {items === null ? (
          <PageLoading />
        ) : items.length === 0 ? (
          <EmptyState title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}>
            {filtered ? 'Try another person, kind or date.' : 'Changes to settings, members and numbers will appear here.'}
          </EmptyState>
        ) : (
          <table className="table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th style={{ width: 170 }}>When</th>
                <th>What happened</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.id} data-action={it.action}>
                  <td className="nowrap">
                    <div>{formatInZone(it.at, project.time_zone)}</div>
                    <div className="muted small">{relativeTime(it.at)}</div>
                  </td>
                  <td>
                    <div className="person">
                      <Avatar name={actorName(it, ctx)} size={24} />
                      <span className="audit-sentence" data-testid="audit-sentence">
                        {auditSentence(it, ctx)}
                      </span>
                      <Badge tone={actionTone(it.action)}>{KINDS.find((k) => k.value && it.action.startsWith(k.value + '.'))?.label ?? 'Other'}</Badge>
                    </div>
                    <details className="alert-details">
                      <summary>Details</summary>
                      <div className="muted small mono target">
                        {it.action} · {it.target}
                        {it.actor ? ` · ${it.actor.email}` : ''}
                      </div>
                      <Changes item={it} />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {items && items.length > 0 && (
        <div className="load-more">
          {next !== null ? (
            <button type="button" className="btn btn-secondary" onClick={loadMore} disabled={busy}>
              {busy ? 'Loading…' : 'Load more'}
            </button>
          ) : (
            <span className="muted small">That is everything: {items.length} {items.length === 1 ? 'entry' : 'entries'}.</span>
          )}
        </div>
      )}
    </div>
  );
}
