// One conversation: its messages oldest first (with what each answers), who is on it, done/open,
// the saved replies the last message suggests, and the answer box. The answer goes into the outbox
// (a priority reply from the conversation's number); the thread refreshes until it is sent.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, type Member, type Project } from '../../api';
import { Badge, ErrorBanner, Spinner } from '../../components/ui';
import { formatDateTime } from '../../components/format';
import { useToast } from '../../components/Toast';
import { consentInfo } from '../contacts/api';
import { contextKindText, inboxApi, sendStatusText, type Message } from './api';

function newKey(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function ThreadPane({ project, id, manage, team, onBack }: { project: Project; id: number; manage: boolean; team: Member[]; onBack: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const thread = useQuery({
    queryKey: ['inbox-thread', project.id, id],
    queryFn: () => inboxApi.thread(project.id, id),
    // Our answer is waiting in the outbox: look again every 2 s until it is sent (or refused).
    refetchInterval: (q) => (q.state.data?.messages.some((m) => m.direction === 'out' && (m.send_status === 'queued' || m.send_status === 'claimed')) ? 2000 : false),
  });
  const [text, setText] = useState('');
  const [savedId, setSavedId] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keyRef = useRef(newKey());
  const listRef = useRef<HTMLOListElement>(null);
  const c = thread.data?.conversation;

  // Opening a conversation reads it.
  useEffect(() => {
    if (manage && c && c.unread > 0)
      void inboxApi.update(project.id, id, { read: true }).then(() => qc.invalidateQueries({ queryKey: ['inbox', project.id] }), () => {});
  }, [manage, c, project.id, id, qc]);

  const count = thread.data?.messages.length ?? 0;
  // The newest message in view, as a chat opens.
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['inbox-thread', project.id, id] });
    void qc.invalidateQueries({ queryKey: ['inbox', project.id] });
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(null);
    try {
      await inboxApi.reply(project.id, id, { text, saved_reply_id: savedId ?? undefined, idempotency_key: keyRef.current });
      keyRef.current = newKey();
      setText('');
      setSavedId(null);
      refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  const patch = async (p: { assignee_id?: number | null; status?: 'open' | 'done' }, done: string) => {
    try {
      await inboxApi.update(project.id, id, p);
      toast(done);
      refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (thread.error) return <ErrorBanner>{errorMessage(thread.error)}</ErrorBanner>;
  if (!thread.data || !c)
    return (
      <div className="inbox-loading">
        <Spinner label="Loading the conversation…" />
      </div>
    );
  const blocked = c.contact?.consent === 'opted_out';

  return (
    <div className="thread" data-testid="thread">
      <header className="thread-head">
        <button type="button" className="btn btn-ghost btn-sm thread-back" onClick={onBack}>
          ← Conversations
        </button>
        <div className="thread-title">
          <h2>{c.title}</h2>
          <div className="thread-sub">
            {c.kind === 'group' ? <Badge tone="violet">Group</Badge> : c.contact && <Badge tone={consentInfo[c.contact.consent].tone}>{consentInfo[c.contact.consent].label}</Badge>}
            {c.contact?.persona && <Badge tone="blue">{c.contact.persona}</Badge>}
            <span className="muted">
              via {c.account.label || c.account.phone}
              {c.contact?.phone && c.kind === 'direct' ? ` · ${c.contact.phone}` : ''}
            </span>
          </div>
        </div>
        {manage && (
          <div className="thread-actions">
            <select
              className="select select-sm"
              aria-label="Assigned to"
              value={c.assignee?.id ?? ''}
              onChange={(e) => void patch({ assignee_id: e.target.value ? Number(e.target.value) : null }, e.target.value ? 'Assigned' : 'Unassigned')}
              data-testid="assign"
            >
              <option value="">Nobody assigned</option>
              {team.map((m) => (
                <option key={m.user_id} value={m.user_id}>
                  {m.name}
                </option>
              ))}
            </select>
            {c.status === 'open' ? (
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void patch({ status: 'done' }, 'Marked done')} data-testid="mark-done">
                Mark done
              </button>
            ) : (
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void patch({ status: 'open' }, 'Opened again')}>
                Open again
              </button>
            )}
          </div>
        )}
      </header>

      <ol className="thread-messages" aria-label="Messages" ref={listRef} tabIndex={0}>
        {thread.data.messages.map((m) => (
          <MessageBubble key={m.id} m={m} group={c.kind === 'group'} />
        ))}
      </ol>

      {manage && (
        <form className="thread-compose" onSubmit={send}>
          {thread.data.suggestions.length > 0 && (
            <div className="thread-suggestions" aria-label="Suggested saved replies" data-testid="suggestions">
              <span className="muted small">Suggested:</span>
              {thread.data.suggestions.map((s) => (
                <button
                  key={s.saved_reply_id}
                  type="button"
                  className="inbox-chip"
                  onClick={() => {
                    setText(s.text);
                    setSavedId(null);
                  }}
                  title={`Matches “${s.keyword}”`}
                >
                  {s.name}
                </button>
              ))}
            </div>
          )}
          {error && <ErrorBanner>{error}</ErrorBanner>}
          {blocked ? (
            <p className="muted">This person asked not to be messaged, so no answer can be sent.</p>
          ) : (
            <>
              <label className="sr-only" htmlFor={`answer-${id}`}>
                Your answer
              </label>
              <textarea
                id={`answer-${id}`}
                className="input thread-input"
                rows={3}
                placeholder="Write your answer…"
                value={text}
                onChange={(e) => setText(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e as unknown as FormEvent);
                }}
                data-testid="answer"
              />
              <div className="thread-send">
                <span className="muted small">Goes out from {c.account.label || c.account.phone} before any campaign message.</span>
                <button type="submit" className="btn btn-primary" disabled={sending || !text.trim()} data-testid="send-answer">
                  {sending ? 'Sending…' : 'Send'}
                </button>
              </div>
            </>
          )}
        </form>
      )}
    </div>
  );
}

function MessageBubble({ m, group }: { m: Message; group: boolean }) {
  const status = m.direction === 'out' ? sendStatusText(m) : null;
  return (
    <li className={`bubble-row ${m.direction}`}>
      <div className={`bubble ${m.direction}`} data-testid={`message-${m.direction}`}>
        {m.context && (
          <div className="bubble-context">
            Answers {contextKindText[m.context.kind] ?? 'our message'}
            {m.context.text && <>: “{m.context.text}”</>}
          </div>
        )}
        {(group || m.direction === 'out') && <div className="bubble-author">{m.direction === 'out' ? m.sent_by || 'You' : m.author_name}</div>}
        <div className="bubble-body">{m.body}</div>
        <div className="bubble-meta">
          <time dateTime={m.at}>{formatDateTime(m.at)}</time>
          {status && <span className={`bubble-status tone-${status.tone}`}>{status.text}</span>}
        </div>
      </div>
    </li>
  );
}
