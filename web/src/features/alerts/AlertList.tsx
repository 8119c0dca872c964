import { useState } from 'react';
import { errorMessage, type Account, type Alert } from '../../api';
import { IconCheck, IconPlus } from '../../components/Icons';
import { Badge } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDateTime, relativeTime } from '../../components/format';
import { useNow } from '../../components/useNow';
import { alertKindLabel, severityTone } from '../accounts/meta';
import { alertText, formatPhonesIn } from './alertText';

/** Alerts as rows: what happened in words, who it is about, when, and the next steps. */
export function AlertList({
  items,
  accounts,
  canAck,
  onAck,
  onOpenAccount,
  onLinkNew,
  testId = 'alerts-list',
}: {
  items: Alert[];
  accounts?: Account[] | null;
  canAck: boolean;
  onAck: (id: number) => Promise<unknown>;
  onOpenAccount?: (id: number) => void;
  /** Opens the Add-account dialog (a banned number needs a replacement). */
  onLinkNew?: () => void;
  testId?: string;
}) {
  useNow(30_000); // re-render so "2 minutes ago" stays true
  const toast = useToast();
  const [busy, setBusy] = useState<number | null>(null);

  const ack = async (a: Alert) => {
    setBusy(a.id);
    try {
      await onAck(a.id);
      toast('Alert acknowledged');
    } catch (e) {
      toast(`Could not acknowledge: ${errorMessage(e)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <ul className="alert-list" data-testid={testId}>
      {items.map((a) => {
        const t = alertText(a, accounts);
        return (
          <li key={a.id} className={`alert-row sev-${a.severity} ${a.acknowledged_at ? 'acked' : ''}`} data-alert-id={a.id} data-kind={a.kind}>
            <span className={`alert-stripe stripe-${severityTone[a.severity] ?? 'gray'}`} />
            <div className="alert-main">
              <div className="alert-head">
                <Badge tone={severityTone[a.severity] ?? 'gray'}>{severityLabel[a.severity] ?? a.severity}</Badge>
                <span className="alert-kind">{alertKindLabel[a.kind] ?? a.kind.replace(/_/g, ' ')}</span>
              </div>
              <div className="alert-message" data-testid="alert-sentence">
                {t.sentence}
              </div>
              {!a.acknowledged_at && (t.steps.length > 0 || canAck) && (
                <div className="alert-actions">
                  {a.account_id !== null && onOpenAccount && t.steps.includes('open') && (
                    <button type="button" className="btn btn-secondary btn-sm" onClick={() => onOpenAccount(a.account_id!)} data-testid="alert-open-account">
                      Open the account
                    </button>
                  )}
                  {a.account_id !== null && onOpenAccount && t.steps.includes('relink') && (
                    <button type="button" className="btn btn-secondary btn-sm" onClick={() => onOpenAccount(a.account_id!)} data-testid="alert-relink">
                      Link it again
                    </button>
                  )}
                  {onLinkNew && t.steps.includes('link-new') && (
                    <button type="button" className="btn btn-secondary btn-sm" onClick={onLinkNew} data-testid="alert-link-new">
                      <IconPlus size={15} /> Link a new number
                    </button>
                  )}
                  {canAck && (
                    <button type="button" className="btn btn-ghost btn-sm" disabled={busy === a.id} onClick={() => void ack(a)} data-testid="alert-ack">
                      <IconCheck size={15} /> {busy === a.id ? 'Acknowledging…' : 'Acknowledge'}
                    </button>
                  )}
                </div>
              )}
              <details className="alert-details">
                <summary>Details</summary>
                <div>
                  Code <code>{a.kind}</code>
                  {t.codes.map((c) => (
                    <span key={c}>
                      {' '}
                      · WhatsApp reason <code>{c}</code>
                    </span>
                  ))}
                </div>
                <div>Sangam said: {formatPhonesIn(a.message)}</div>
              </details>
              {a.acknowledged_at && (
                <div className="muted small">
                  Acknowledged {relativeTime(a.acknowledged_at)}
                  {a.acknowledged_by ? ` by ${a.acknowledged_by.email}` : ''}
                </div>
              )}
            </div>
            <div className="alert-side">
              <time className="muted small nowrap" dateTime={a.created_at} title={formatDateTime(a.created_at)}>
                {relativeTime(a.created_at)}
              </time>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

const severityLabel: Record<string, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };
