import { useState } from 'react';
import { errorMessage, type Account, type Alert } from '../../api';
import { IconCheck } from '../../components/Icons';
import { Badge } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDateTime, relativeTime } from '../../components/format';
import { useNow } from '../../components/useNow';
import { alertKindLabel, formatPhone, labelOf, severityTone } from '../accounts/meta';

/** Alerts as rows: severity, what happened, which account, when, and Acknowledge. */
export function AlertList({
  items,
  accounts,
  canAck,
  onAck,
  onOpenAccount,
  testId = 'alerts-list',
}: {
  items: Alert[];
  accounts?: Account[] | null;
  canAck: boolean;
  onAck: (id: number) => Promise<unknown>;
  onOpenAccount?: (id: number) => void;
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
        const acc = a.account_id !== null ? accounts?.find((x) => x.id === a.account_id) : undefined;
        return (
          <li key={a.id} className={`alert-row sev-${a.severity} ${a.acknowledged_at ? 'acked' : ''}`} data-alert-id={a.id} data-kind={a.kind}>
            <span className={`alert-stripe stripe-${severityTone[a.severity] ?? 'gray'}`} />
            <div className="alert-main">
              <div className="alert-head">
                <Badge tone={severityTone[a.severity] ?? 'gray'}>{a.severity}</Badge>
                <span className="alert-kind">{alertKindLabel[a.kind] ?? a.kind.replace(/_/g, ' ')}</span>
                {a.account_id !== null && (
                  <span className="alert-account">
                    ·{' '}
                    {onOpenAccount ? (
                      <button type="button" className="link-button plain" onClick={() => onOpenAccount(a.account_id!)}>
                        {acc ? labelOf(acc) || formatPhone(acc.phone) : `account #${a.account_id}`}
                      </button>
                    ) : acc ? (
                      labelOf(acc) || formatPhone(acc.phone)
                    ) : (
                      `account #${a.account_id}`
                    )}
                  </span>
                )}
              </div>
              <div className="alert-message">{a.message}</div>
              {a.acknowledged_at && (
                <div className="muted small">
                  Acknowledged {relativeTime(a.acknowledged_at, Date.now())}
                  {a.acknowledged_by ? ` by ${a.acknowledged_by.email}` : ''}
                </div>
              )}
            </div>
            <div className="alert-side">
              <time className="muted small nowrap" dateTime={a.created_at} title={formatDateTime(a.created_at)}>
                {relativeTime(a.created_at, Date.now())}
              </time>
              {!a.acknowledged_at && canAck && (
                <button type="button" className="btn btn-secondary btn-sm" disabled={busy === a.id} onClick={() => void ack(a)}>
                  <IconCheck size={15} /> {busy === a.id ? 'Acknowledging…' : 'Acknowledge'}
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
