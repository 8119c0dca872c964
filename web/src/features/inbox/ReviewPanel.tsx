// Sends whose outcome is unknown (the connection dropped while WhatsApp had the message): a person
// checks the chat on the phone and says what happened. "Send again" is that person's decision and
// is written to the audit log; Sangam never repeats such a message by itself.
import { useState } from 'react';
import { errorMessage, type Project } from '../../api';
import { Card, EmptyState, ErrorBanner, Spinner } from '../../components/ui';
import { formatDateTime } from '../../components/format';
import { useToast } from '../../components/Toast';
import { inboxApi, type UnknownSend } from './api';

export function ReviewPanel({ project, manage, items, error, onDone }: { project: Project; manage: boolean; items?: UnknownSend[]; error: unknown; onDone: () => void }) {
  const toast = useToast();
  const [busy, setBusy] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const act = async (u: UnknownSend, action: 'mark_sent' | 'send_again') => {
    if (action === 'send_again' && !window.confirm(`Send “${u.text.slice(0, 80)}” to ${u.recipient} again? Do this only if the chat on the phone does not show it.`)) return;
    setBusy(u.id);
    setFailure(null);
    try {
      await inboxApi.resolve(project.id, u.id, action);
      toast(action === 'mark_sent' ? 'Marked as sent' : 'Queued to send again');
      onDone();
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="Uncertain sends" subtitle="Sangam lost the connection while these were being sent, so it cannot tell whether they arrived. Check the chat on the phone, then say what happened.">
      {failure && <ErrorBanner>{failure}</ErrorBanner>}
      {error ? (
        <ErrorBanner>{errorMessage(error)}</ErrorBanner>
      ) : !items ? (
        <Spinner label="Loading…" />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing to check">Every message has a known outcome.</EmptyState>
      ) : (
        <ul className="review-list" data-testid="unknown-list">
          {items.map((u) => (
            <li key={u.id} className="review-item">
              <div className="review-main">
                <strong>{u.recipient}</strong>
                <span className="muted small">
                  from {u.account.label || u.account.phone}
                  {u.attempted_at ? ` · tried ${formatDateTime(u.attempted_at)}` : ''}
                </span>
                <p className="review-text">{u.text}</p>
                {u.reason && <p className="muted small">{u.reason}</p>}
              </div>
              {manage && (
                <div className="review-actions">
                  <button type="button" className="btn btn-secondary btn-sm" disabled={busy === u.id} onClick={() => void act(u, 'mark_sent')}>
                    It arrived
                  </button>
                  <button type="button" className="btn btn-secondary btn-sm" disabled={busy === u.id} onClick={() => void act(u, 'send_again')}>
                    Send again
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
