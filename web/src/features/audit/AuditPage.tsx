import { useCallback, useEffect, useState } from 'react';
import { audit as auditApi, errorMessage, type AuditItem, type Project } from '../../api';
import { Avatar, Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { formatDateTime, relativeTime } from '../../components/format';
import { useLiveEvents } from '../../live';

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

export function AuditPage({ project }: { project: Project }) {
  const [items, setItems] = useState<AuditItem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadFirst = useCallback(async () => {
    try {
      const r = await auditApi.list(project.id, null, PAGE);
      setItems(r.items);
      setNext(r.next_before);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
      setItems((i) => i ?? []);
    }
  }, [project.id]);

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
      const r = await auditApi.list(project.id, next, PAGE);
      setItems((i) => [...(i ?? []), ...r.items]);
      setNext(r.next_before);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle={`Every change made to ${project.name}, newest first.`} />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Card flush>
        {items === null ? (
          <PageLoading />
        ) : items.length === 0 ? (
          <EmptyState title="Nothing recorded yet">Changes to settings and members will appear here.</EmptyState>
        ) : (
          <table className="table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th style={{ width: 190 }}>When</th>
                <th style={{ width: 220 }}>Who</th>
                <th style={{ width: 170 }}>Action</th>
                <th>Changes</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.id}>
                  <td>
                    <div>{relativeTime(it.at)}</div>
                    <div className="muted small nowrap">{formatDateTime(it.at)}</div>
                  </td>
                  <td>
                    {it.actor ? (
                      <div className="person">
                        <Avatar name={it.actor.email} size={24} />
                        <span className="ellipsis">{it.actor.email}</span>
                      </div>
                    ) : (
                      <span className="muted">System</span>
                    )}
                  </td>
                  <td>
                    <Badge tone={actionTone(it.action)}>{it.action}</Badge>
                    {it.target && <div className="muted small mono target">{it.target}</div>}
                  </td>
                  <td>
                    <Changes item={it} />
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
            <span className="muted small">That is everything — {items.length} {items.length === 1 ? 'entry' : 'entries'}.</span>
          )}
        </div>
      )}
    </div>
  );
}
