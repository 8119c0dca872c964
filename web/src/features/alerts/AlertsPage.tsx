import { useCallback, useEffect, useState } from 'react';
import { alerts as alertsApi, errorMessage, type Alert, type Project } from '../../api';
import { Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { navigate } from '../../router';
import { useToast } from '../../components/Toast';
import { accountPerms } from '../accounts/meta';
import { useAccounts } from '../accounts/useAccounts';
import { AlertList } from './AlertList';
import { useAlerts } from './context';

export function AlertsPage({ project }: { project: Project }) {
  const perms = accountPerms(project);
  const { open, ack, version } = useAlerts();
  const { items: accounts } = useAccounts(project.id);
  const [state, setState] = useState<'open' | 'all'>('open');
  const [all, setAll] = useState<Alert[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadAll = useCallback(async () => {
    try {
      const r = await alertsApi.list(project.id, 'all');
      setAll(r.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [project.id]);

  useEffect(() => {
    if (state === 'all') void loadAll();
  }, [state, loadAll, version]);

  const items = state === 'open' ? open : all;
  const toast = useToast();
  const [ackingAll, setAckingAll] = useState(false);
  const ackAll = async () => {
    if (!open?.length) return;
    setAckingAll(true);
    let failed = 0;
    for (const a of open) {
      try {
        await ack(a.id);
      } catch {
        failed++;
      }
    }
    setAckingAll(false);
    if (failed) toast(`${failed} of ${open.length} alerts could not be acknowledged`, 'error');
    else toast(open.length === 1 ? 'Alert acknowledged' : `${open.length} alerts acknowledged`);
  };

  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        subtitle="Bans, disconnections, critical health and other events that need a person. Acknowledge an alert once it is handled."
        actions={
          <div className="header-actions">
          {perms.ackAlerts && state === 'open' && open && open.length > 1 && (
            <button type="button" className="btn btn-secondary" disabled={ackingAll} onClick={() => void ackAll()} data-testid="ack-all">
              {ackingAll ? 'Acknowledging…' : `Acknowledge all ${open.length}`}
            </button>
          )}
          <div className="segmented" role="tablist" aria-label="Which alerts">
            <button type="button" role="tab" aria-selected={state === 'open'} onClick={() => setState('open')}>
              Open{open ? ` (${open.length})` : ''}
            </button>
            <button type="button" role="tab" aria-selected={state === 'all'} onClick={() => setState('all')}>
              All
            </button>
          </div>
          </div>
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Card flush>
        {items === undefined || items === null ? (
          <PageLoading />
        ) : items.length === 0 ? (
          <EmptyState title={state === 'open' ? 'No open alerts' : 'No alerts yet'}>
            {state === 'open' ? 'Everything that needed attention has been acknowledged.' : 'Alerts about your WhatsApp numbers will appear here.'}
          </EmptyState>
        ) : (
          <AlertList
            items={items}
            accounts={accounts}
            canAck={perms.ackAlerts}
            onAck={ack}
            onOpenAccount={(id) => navigate(`/projects/${project.id}/accounts?account=${id}`)}
            onLinkNew={perms.write ? () => navigate(`/projects/${project.id}/accounts?add=1`) : undefined}
          />
        )}
      </Card>
    </div>
  );
}
