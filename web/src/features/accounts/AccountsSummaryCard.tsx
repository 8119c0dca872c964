// Overview card: accounts by status, how many can send, their average health, today's volume, open
// alerts. A summary must not hide trouble (issue 13 item 1): the health average counts only numbers
// that can send and says how many those are; banned, cooling and disconnected numbers are counted in
// their colour and in words.
import type { AccountStatus, Project } from '../../api';
import { Badge, Card } from '../../components/ui';
import { Link } from '../../router';
import { useAlerts } from '../alerts/context';
import { healthLevel, statusInfo } from './meta';
import { useAccounts } from './useAccounts';
import { HealthScore } from './widgets';

const ORDER: AccountStatus[] = ['active', 'standby', 'warming', 'cooling', 'linking', 'new', 'disconnected', 'banned', 'retired'];
/** Statuses in which a number sends today (a standby number waits for a failover). */
export const SENDING: AccountStatus[] = ['active', 'warming'];
/** Statuses that mean trouble or lost capacity, worst first, with what they mean. */
const TROUBLE: { status: AccountStatus; text: (n: number) => string }[] = [
  { status: 'banned', text: (n) => `${n} banned by WhatsApp` },
  { status: 'disconnected', text: (n) => `${n} disconnected, need a new link` },
  { status: 'cooling', text: (n) => `${n} cooling, sending nothing` },
];

export function sendingSummary(items: { status: AccountStatus; health: number }[]) {
  const sending = items.filter((a) => SENDING.includes(a.status));
  const counted = items.filter((a) => a.status !== 'retired');
  const avg = sending.length ? sending.reduce((s, a) => s + a.health, 0) / sending.length : null;
  return { sending: sending.length, total: counted.length, avg };
}

export function AccountsSummaryCard({ project }: { project: Project }) {
  const { items, error } = useAccounts(project.id);
  const { open } = useAlerts();
  const counts = new Map<AccountStatus, number>();
  for (const a of items ?? []) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const { sending, total, avg } = sendingSummary(items ?? []);
  const trouble = TROUBLE.filter((t) => counts.get(t.status));
  const sent = (items ?? []).reduce((s, a) => s + (a.usage_today || 0), 0);
  const capacity = (items ?? []).filter((a) => a.status === 'active' || a.status === 'warming').reduce((s, a) => s + (a.daily_limit || 0), 0);
  const critical = (open ?? []).filter((a) => a.severity === 'critical').length;
  const base = `/projects/${project.id}`;

  return (
    <Card
      title="WhatsApp accounts"
      subtitle="The numbers this project sends from"
      actions={
        <Link to={`${base}/accounts`} className="btn btn-secondary btn-sm" data-testid="overview-accounts-link">
          Manage accounts
        </Link>
      }
    >
      {items === null ? (
        <p className="muted">{error ? `Accounts could not be loaded: ${error}` : 'Loading…'}</p>
      ) : items.length === 0 ? (
        <p className="muted">
          No numbers yet. <Link to={`${base}/accounts`}>Add one</Link> and link it with a QR scan.
        </p>
      ) : (
        <div className="acct-summary" data-testid="overview-accounts">
          <div className="acct-figures">
            <div>
              <div className="stat-label">Can send</div>
              <div className={`acct-figure ${sending === 0 ? 'text-red' : sending < total ? 'text-amber' : ''}`} data-testid="overview-can-send">
                {sending} of {total}
              </div>
              <div className="stat-sub">{total === 1 ? 'number' : 'numbers'} can send</div>
            </div>
            <div>
              <div className="stat-label">Average health</div>
              <div className="acct-figure" data-testid="overview-health">
                {avg === null ? <span className="text-red acct-none">No number can send</span> : <HealthScore score={avg} level={healthLevel(avg)} showBar={false} />}
              </div>
              <div className="stat-sub">{avg === null ? 'nothing to average' : `of the ${sending} that can send`}</div>
            </div>
            <div>
              <div className="stat-label">Sent today</div>
              <div className="acct-figure">
                {sent.toLocaleString()}
                {capacity > 0 && <span className="stat-unit">of {capacity.toLocaleString()}</span>}
              </div>
            </div>
            <div>
              <div className="stat-label">Open alerts</div>
              <div className="acct-figure">
                <Link to={`${base}/alerts`} className={open?.length ? (critical ? 'alert-figure red' : 'alert-figure amber') : 'alert-figure'} data-testid="overview-open-alerts">
                  {open?.length ?? '—'}
                </Link>
                {critical > 0 && <span className="stat-unit">{critical} critical</span>}
              </div>
            </div>
          </div>
          <div className="status-strip" aria-label="Accounts by status">
            {ORDER.filter((s) => counts.get(s)).map((s) => (
              <span key={s} className={`strip-seg seg-${statusInfo[s].tone}`} style={{ flex: counts.get(s) }} title={`${counts.get(s)} ${statusInfo[s].label}`} />
            ))}
          </div>
          {trouble.length > 0 && (
            <p className="acct-trouble" role="status" data-testid="overview-trouble">
              {trouble.map((t, i) => (
                <span key={t.status}>
                  {i > 0 && ' · '}
                  <strong className={`text-${statusInfo[t.status].tone}`}>{t.text(counts.get(t.status)!)}</strong>
                </span>
              ))}
              .{' '}
              <Link to={`${base}/accounts`}>See the numbers</Link>
            </p>
          )}
          <div className="status-legend">
            {ORDER.filter((s) => counts.get(s)).map((s) => (
              <Badge key={s} tone={statusInfo[s].tone} dot>
                {counts.get(s)} {statusInfo[s].label.toLowerCase()}
              </Badge>
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}
