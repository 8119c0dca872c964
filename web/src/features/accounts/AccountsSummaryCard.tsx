// Overview card: accounts by status, average health of linked numbers, today's volume, open alerts.
import type { AccountStatus, Project } from '../../api';
import { Badge, Card } from '../../components/ui';
import { Link } from '../../router';
import { useAlerts } from '../alerts/context';
import { healthLevel, statusInfo } from './meta';
import { useAccounts } from './useAccounts';
import { HealthScore } from './widgets';

const ORDER: AccountStatus[] = ['active', 'standby', 'warming', 'cooling', 'linking', 'new', 'disconnected', 'banned', 'retired'];
const LIVE: AccountStatus[] = ['active', 'standby', 'warming', 'cooling'];

export function AccountsSummaryCard({ project }: { project: Project }) {
  const { items, error } = useAccounts(project.id);
  const { open } = useAlerts();
  const counts = new Map<AccountStatus, number>();
  for (const a of items ?? []) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const linked = (items ?? []).filter((a) => LIVE.includes(a.status));
  const avg = linked.length ? linked.reduce((s, a) => s + a.health, 0) / linked.length : null;
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
              <div className="stat-label">Numbers</div>
              <div className="acct-figure">{items.length}</div>
            </div>
            <div>
              <div className="stat-label">Average health</div>
              <div className="acct-figure">{avg === null ? '—' : <HealthScore score={avg} level={healthLevel(avg)} showBar={false} />}</div>
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
