// Connectors (admins only): the processes hosting the WhatsApp sessions, as the core's bridge sees them.
import { useEffect } from 'react';
import { connectors as connectorsApi, type Connector } from '../../api';
import { Badge, EmptyState, ErrorBanner, PageHeader, TableCard } from '../../components/ui';
import { formatDateTime, relativeTime } from '../../components/format';
import { useList } from '../../components/useList';
import { engineInfo } from '../accounts/meta';

const REFRESH_MS = 10_000;

/** The bridge endpoint of this server, as this browser reaches it. */
function bridgeUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge/v1`;
}

function RemoteCommand() {
  return (
    <pre className="command" data-testid="connector-command">
      SANGAM_CORE_URL={bridgeUrl()} SANGAM_BRIDGE_SECRET=… node connector/dist/main.js
    </pre>
  );
}

export function ConnectorsPage() {
  const { items, error, load } = useList(connectorsApi.list, []);

  useEffect(() => {
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  return (
    <div className="page">
      <PageHeader
        title="Connectors"
        subtitle="The processes that host the WhatsApp sessions and talk to this server over the bridge. Refreshed every 10 seconds."
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}

      <TableCard
        items={items}
        title={items ? `${items.length} ${items.length === 1 ? 'connector' : 'connectors'}` : undefined}
        testId="connectors-table"
        empty={
          <EmptyState title="No connector is connected">
            <p>
              <code>sangam serve</code> starts a local connector automatically (unless{' '}
              <code>SANGAM_CONNECTOR=off</code>). A connector on another machine connects with the core’s bridge
              address and its <code>SANGAM_BRIDGE_SECRET</code>:
            </p>
            <RemoteCommand />
          </EmptyState>
        }
        head={
          <>
            <th>Connector</th>
            <th>Status</th>
            <th>Engines</th>
            <th className="right">Accounts</th>
            <th>PID</th>
            <th>Version</th>
            <th>Connected since</th>
          </>
        }
        row={(c) => <ConnectorRow key={c.id} c={c} />}
      />

      {!!items?.length && (
        <div className="connector-help">
          <span className="muted small">
            <code>sangam serve</code> runs the local connector. To add one on another machine:
          </span>
          <RemoteCommand />
        </div>
      )}
    </div>
  );
}

function ConnectorRow({ c }: { c: Connector }) {
  return (
    <tr data-connector-id={c.id} className={c.connected ? '' : 'row-muted'}>
      <td className="strong mono">{c.id}</td>
      <td>
        <Badge tone={c.connected ? 'green' : 'gray'} dot>
          {c.connected ? 'Connected' : 'Disconnected'}
        </Badge>
      </td>
      <td>
        <span className="badge-row">
          {c.engines.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            c.engines.map((e) => (
              <Badge key={e} tone="blue">
                <span title={e}>{engineInfo[e as keyof typeof engineInfo]?.label ?? e}</span>
              </Badge>
            ))
          )}
        </span>
      </td>
      <td className="right">{c.accounts}</td>
      <td className="mono muted">{c.pid || '—'}</td>
      <td className="mono muted">{c.version || '—'}</td>
      <td className="muted" title={formatDateTime(c.connected_at)}>
        {relativeTime(c.connected_at)}
      </td>
    </tr>
  );
}
