// Account details: status and its reason, the health breakdown with a sparkline, facts, QR history.
import { useEffect, useState, type ReactNode } from 'react';
import { accounts as accountsApi, errorMessage, type Account, type AccountHealth, type Alert, type Project, type QrItem } from '../../api';
import { Drawer } from '../../components/Menu';
import { Badge, ErrorBanner, Spinner } from '../../components/ui';
import { formatDateTime, relativeTime } from '../../components/format';
import { useNow } from '../../components/useNow';
import { engineInfo, formatPhone, labelOf, levelTone, roleInfo, statusInfo } from './meta';
import { HealthScore, ScoreBar, Sparkline, StatusBadge, UsageBar } from './widgets';

export function AccountDrawer({
  project,
  account: a,
  canSeeQr,
  alerts,
  actions,
  onClose,
}: {
  project: Project;
  account: Account;
  canSeeQr: boolean;
  alerts: Alert[];
  actions?: ReactNode;
  onClose: () => void;
}) {
  useNow(30_000); // re-render so "2 minutes ago" stays true
  const [health, setHealth] = useState<AccountHealth | null>(null);
  const [healthError, setHealthError] = useState<string | null>(null);
  const [qr, setQr] = useState<QrItem[] | null>(null);
  const [qrError, setQrError] = useState<string | null>(null);

  // Reload the breakdown whenever the account changes (events carry a new updated_at).
  useEffect(() => {
    let gone = false;
    accountsApi.health(project.id, a.id).then(
      (h) => !gone && (setHealth(h), setHealthError(null)),
      (e) => !gone && setHealthError(errorMessage(e)),
    );
    return () => {
      gone = true;
    };
  }, [project.id, a.id, a.updated_at, a.health]);

  useEffect(() => {
    if (!canSeeQr) return;
    let gone = false;
    accountsApi.qrHistory(project.id, a.id).then(
      (r) => !gone && (setQr(r.items), setQrError(null)),
      (e) => !gone && setQrError(errorMessage(e)),
    );
    return () => {
      gone = true;
    };
  }, [project.id, a.id, a.status, canSeeQr]);

  const info = statusInfo[a.status];
  return (
    <Drawer
      onClose={onClose}
      title={
        <div>
          <div className="drawer-name">{labelOf(a) || formatPhone(a.phone)}</div>
          <div className="muted small mono">{formatPhone(a.phone)}</div>
        </div>
      }
    >
      <div className="drawer-status">
        <StatusBadge status={a.status} />
        <Badge tone="gray">{roleInfo[a.role]?.label ?? a.role}</Badge>
        <Badge tone={a.engine === 'sim' ? 'violet' : 'blue'}>{engineInfo[a.engine]?.label ?? a.engine}</Badge>
      </div>
      <p className="muted small drawer-help">
        {a.status_reason ? (
          <>
            <strong className="reason">Reason:</strong> <span data-testid="status-reason">{a.status_reason}</span>
          </>
        ) : (
          info?.help
        )}
      </p>
      {actions && <div className="drawer-actions">{actions}</div>}

      {alerts.length > 0 && (
        <section className="drawer-section">
          <h2>Open alerts</h2>
          <ul className="mini-alerts">
            {alerts.map((al) => (
              <li key={al.id}>
                <Badge tone={al.severity === 'critical' ? 'red' : al.severity === 'warning' ? 'amber' : 'blue'}>{al.severity}</Badge>
                <span>{al.message}</span>
                <span className="muted small nowrap">{relativeTime(al.created_at)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="drawer-section" data-testid="health-breakdown">
        <div className="section-head">
          <h2>Health</h2>
          <HealthScore score={health?.score ?? a.health} level={health?.level ?? a.health_level} />
        </div>
        {healthError && <ErrorBanner>{healthError}</ErrorBanner>}
        {!health && !healthError && <Spinner label="Loading health…" />}
        {health && (
          <>
            <div className={`health-summary tone-${levelTone[health.level]}`}>
              <span className="health-big">{Math.round(health.score)}</span>
              <span>
                <strong className="cap">{health.level}</strong>
                <span className="muted small block">healthy ≥ 90 · warning 70–89 · critical &lt; 70</span>
              </span>
            </div>
            <ScoreBar label="Connection" value={health.connection} max={40} />
            <ScoreBar label="Delivery" value={health.delivery} max={30} />
            <ScoreBar label="Behaviour" value={health.behaviour} max={30} />
            <div className="spark-wrap">
              <div className="muted small">History ({health.history.length} {health.history.length === 1 ? 'point' : 'points'})</div>
              <Sparkline points={health.history} />
            </div>
          </>
        )}
      </section>

      <section className="drawer-section">
        <h2>Details</h2>
        <dl className="kv kv-tight">
          <dt>Usage today</dt>
          <dd>
            <UsageBar used={a.usage_today} limit={a.daily_limit} />
          </dd>
          <dt>Linked</dt>
          <dd title={formatDateTime(a.linked_at)}>{a.linked_at ? `${formatDateTime(a.linked_at)} (${relativeTime(a.linked_at)})` : 'Not linked'}</dd>
          <dt>Last activity</dt>
          <dd title={formatDateTime(a.last_activity_at)}>{relativeTime(a.last_activity_at)}</dd>
          <dt>Warm-up day</dt>
          <dd>{a.warmup_day ?? <span className="muted">—</span>}</dd>
          <dt>Connector</dt>
          <dd className="mono">{a.connector_id ?? <span className="muted">none</span>}</dd>
          <dt>Added</dt>
          <dd>{formatDateTime(a.created_at)}</dd>
          <dt>Account id</dt>
          <dd className="mono">{a.id}</dd>
        </dl>
      </section>

      {canSeeQr && (
        <section className="drawer-section">
          <h2>QR history</h2>
          {qrError && <ErrorBanner>{qrError}</ErrorBanner>}
          {!qr && !qrError && <Spinner />}
          {qr && qr.length === 0 && <p className="muted small">No codes yet. They appear when the account is linked.</p>}
          {qr && qr.length > 0 && (
            <ul className="qr-history" data-testid="qr-history">
              {qr.slice(0, 20).map((q, i) => (
                <li key={`${q.at}-${i}`}>
                  <Badge tone={q.kind === 'qr' ? 'gray' : 'blue'}>{q.kind === 'qr' ? 'QR' : 'pairing code'}</Badge>
                  <span className="mono ellipsis qr-value" title={q.value}>
                    {q.kind === 'pairing_code' ? q.value : `${q.value.slice(0, 28)}…`}
                  </span>
                  <span className="muted small nowrap" title={formatDateTime(q.at)}>
                    {relativeTime(q.at)}
                  </span>
                </li>
              ))}
              {qr.length > 20 && <li className="muted small">and {qr.length - 20} older</li>}
            </ul>
          )}
        </section>
      )}
    </Drawer>
  );
}
