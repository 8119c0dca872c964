import { useMemo, useRef, useState } from 'react';
import { ACCOUNT_ROLES, accounts as accountsApi, errorMessage, type Account, type AccountRole, type AccountTransition, type Project } from '../../api';
import { IconArchive, IconEdit, IconPhone, IconPlay, IconPlus, IconQr, IconSnow, IconTrash, IconUnlink } from '../../components/Icons';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { ActionMenu } from '../../components/Menu';
import { ConfirmDialog } from '../../components/Modal';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDateTime, relativeTime } from '../../components/format';
import { useNow } from '../../components/useNow';
import { Link } from '../../router';
import { AlertList } from '../alerts/AlertList';
import { useAlerts } from '../alerts/context';
import { AccountDrawer } from './AccountDrawer';
import { AddAccountDialog, EditAccountDialog } from './AccountDialogs';
import { LinkDialog } from './LinkDialog';
import { accountName, accountPerms, labelOf, backLabel, engineInfo, formatPhone, offeredActions, roleInfo, statusInfo } from './meta';
import { useAccounts } from './useAccounts';
import { HealthScore, StatusBadge, UsageBar, accountSortKey } from './widgets';

type Confirm = { kind: 'retire' | 'logout' | 'delete'; account: Account } | { kind: 'role'; account: Account; role: AccountRole };

/** The engine most of the project's numbers use; WhatsApp Web when there are none. */
function usualEngine(items: Account[] | null): Account['engine'] {
  const n: Record<string, number> = {};
  for (const a of items ?? []) if (a.status !== 'retired') n[a.engine] = (n[a.engine] ?? 0) + 1;
  const best = Object.entries(n).sort((x, y) => y[1] - x[1])[0];
  return (best?.[0] as Account['engine']) ?? 'webjs';
}

function initialDrawer(): number | null {
  const v = new URLSearchParams(location.search).get('account');
  return v && /^\d+$/.test(v) ? Number(v) : null;
}

export function AccountsPage({ project }: { project: Project }) {
  const perms = accountPerms(project);
  const toast = useToast();
  useNow(30_000); // re-render so "2 minutes ago" stays true
  const { items, error: loadError, upsert, drop } = useAccounts(project.id);
  const { open: openAlerts, ack } = useAlerts();
  const [adding, setAdding] = useState(() => new URLSearchParams(location.search).get('add') === '1');
  const [editing, setEditing] = useState<Account | null>(null);
  const [linking, setLinking] = useState<number | null>(null);
  const [detail, setDetail] = useState<number | null>(initialDrawer);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  // Rows keep their place while the page is open (issue 13 item 7): a status change must not move
  // the row under the pointer. The order is by status when the page opens; new numbers go last.
  const order = useRef<number[]>([]);
  const [flash, setFlash] = useState<number | null>(null);
  const sorted = useMemo(() => {
    if (!items) return null;
    const known = new Set(items.map((a) => a.id));
    const kept = order.current.filter((id) => known.has(id));
    const fresh = items
      .filter((a) => !kept.includes(a.id))
      .sort((a, b) => accountSortKey(a) - accountSortKey(b) || a.phone.localeCompare(b.phone))
      .map((a) => a.id);
    order.current = [...kept, ...fresh];
    const byIdMap = new Map(items.map((a) => [a.id, a]));
    return order.current.map((id) => byIdMap.get(id)!);
  }, [items]);
  const byId = (id: number | null) => (id === null ? undefined : items?.find((a) => a.id === id));
  const linkingAccount = byId(linking);
  const detailAccount = byId(detail);

  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const a of items ?? []) c[a.status] = (c[a.status] ?? 0) + 1;
    return c;
  }, [items]);

  const run = async (what: string, fn: () => Promise<Account>) => {
    setActionError(null);
    try {
      const a = await fn();
      upsert(a);
      toast(what);
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  const transition = (a: Account, to: AccountTransition, what: string) => run(what, () => accountsApi.transition(project.id, a.id, to));
  const applyRole = async (a: Account, role: AccountRole, undoable: boolean) => {
    setActionError(null);
    const from = a.role;
    try {
      upsert(await accountsApi.update(project.id, a.id, { role }));
      setFlash(a.id);
      setTimeout(() => setFlash((f) => (f === a.id ? null : f)), 2000);
      toast(
        `${formatPhone(a.phone)} is now ${roleInfo[role].label}`,
        'success',
        undoable ? { label: 'Undo', onClick: () => void applyRole({ ...a, role }, from, false) } : undefined,
      );
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };
  // Production → Backup or Warm-up stops (or slows) a number that sends: ask first.
  const changeRole = (a: Account, role: AccountRole) => {
    if (a.status === 'active' && role !== 'production') setConfirm({ kind: 'role', account: a, role });
    else void applyRole(a, role, true);
  };

  const rowActions = (a: Account) => {
    const o = offeredActions(a);
    return [
      { label: 'Details', icon: <IconPhone size={16} />, onSelect: () => setDetail(a.id), testId: 'action-details' },
      { label: 'Edit label, role, limit', icon: <IconEdit size={16} />, onSelect: () => setEditing(a), hidden: !perms.write, testId: 'action-edit' },
      { label: 'Move to cooling', icon: <IconSnow size={16} />, onSelect: () => void transition(a, 'cooling', `${formatPhone(a.phone)} is cooling`), hidden: !perms.write || !o.cool, testId: 'action-cool' },
      {
        label: o.backTo ? backLabel(o.backTo) : 'Back to active',
        icon: <IconPlay size={16} />,
        onSelect: () => o.backTo && void transition(a, o.backTo, `${formatPhone(a.phone)} is ${statusInfo[o.backTo].label.toLowerCase()} again`),
        hidden: !perms.write || !o.backTo,
        testId: 'action-back',
      },
      { label: 'Log out the device', icon: <IconUnlink size={16} />, onSelect: () => setConfirm({ kind: 'logout', account: a }), hidden: !perms.write || !o.logout, testId: 'action-logout' },
      { label: 'Retire', icon: <IconArchive size={16} />, onSelect: () => setConfirm({ kind: 'retire', account: a }), hidden: !perms.write || !o.retire, testId: 'action-retire' },
      { label: 'Delete', icon: <IconTrash size={16} />, onSelect: () => setConfirm({ kind: 'delete', account: a }), hidden: !perms.remove, danger: true, testId: 'action-delete' },
    ];
  };

  const primaryAction = (a: Account) => {
    if (!perms.write) return null;
    const o = offeredActions(a);
    if (o.link || o.showQr)
      return (
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setLinking(a.id)} data-testid="link-account">
          <IconQr size={15} /> {o.showQr ? 'Show QR' : a.status === 'disconnected' ? 'Re-link' : 'Link'}
        </button>
      );
    return null;
  };

  // The table's columns (components/DataTable.tsx): on a phone each number is a card titled by its
  // phone and label, with Link and ⋯ beside it; the engine is left out there.
  const columns: DataColumn<Account>[] = [
    {
      id: 'number',
      header: 'Number',
      phone: 'title',
      cell: (a) => (
        <button type="button" className="account-cell" onClick={() => setDetail(a.id)} title="Show details">
          <span className="account-phone mono">{formatPhone(a.phone)}</span>
          <span className="account-label">{labelOf(a) || <span className="muted">No label</span>}</span>
        </button>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: (a) =>
        perms.write && a.status !== 'retired' && a.status !== 'banned' ? (
          <select
            className="select select-sm role-select"
            value={a.role}
            aria-label={`Role of ${formatPhone(a.phone)}`}
            onChange={(e) => void changeRole(a, e.target.value as AccountRole)}
          >
            {ACCOUNT_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleInfo[r].label}
              </option>
            ))}
          </select>
        ) : (
          <span>{roleInfo[a.role]?.label ?? a.role}</span>
        ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (a) => (
        <>
          <div className="status-cell">
            <StatusBadge status={a.status} />
            {a.status === 'warming' && a.warmup_day !== null && <span className="muted small">day {a.warmup_day}</span>}
          </div>
          {a.status_reason && (
            <div className="status-reason small ellipsis" title={a.status_reason}>
              {a.status_reason}
            </div>
          )}
        </>
      ),
    },
    {
      id: 'health',
      header: 'Health',
      cellProps: () => ({ 'data-testid': 'health-cell' }),
      cell: (a) => (a.status === 'new' || a.status === 'linking' ? <span className="muted">—</span> : <HealthScore score={a.health} level={a.health_level} />),
    },
    { id: 'today', header: 'Today', cell: (a) => <UsageBar used={a.usage_today} limit={a.daily_limit} /> },
    {
      id: 'activity',
      header: 'Last activity',
      className: 'nowrap',
      cellProps: (a) => ({ title: formatDateTime(a.last_activity_at) }),
      cell: (a) => (a.last_activity_at ? relativeTime(a.last_activity_at) : <span className="muted">never</span>),
    },
    {
      id: 'engine',
      header: 'Engine',
      phone: 'hide',
      cell: (a) => <span className={`engine engine-${a.engine}`}>{engineInfo[a.engine]?.label ?? a.engine}</span>,
    },
    {
      id: 'actions',
      header: 'Actions',
      phone: 'actions',
      align: 'right',
      className: 'nowrap',
      cell: (a) => (
        <div className="row-actions">
          {primaryAction(a)}
          <ActionMenu items={rowActions(a)} label={`More actions for ${formatPhone(a.phone)}`} testId="account-menu" />
        </div>
      ),
    },
  ];

  const summary = ['active', 'standby', 'warming', 'cooling', 'linking', 'disconnected', 'banned', 'new', 'retired'].filter((s) => counts[s]);

  return (
    <div className="page wide">
      <PageHeader
        title="WhatsApp accounts"
        subtitle={
          items && items.length > 0 ? (
            <span className="status-summary" data-testid="accounts-summary">
              {summary.map((s) => (
                <span key={s}>
                  <strong>{counts[s]}</strong> {statusInfo[s as keyof typeof statusInfo].label.toLowerCase()}
                </span>
              ))}
            </span>
          ) : (
            `The numbers ${project.name} sends from, their health and today’s usage.`
          )
        }
        actions={
          perms.write ? (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-account">
              <IconPlus size={16} /> Add account
            </button>
          ) : (
            <Badge tone="gray">Read-only: your role is {project.role.charAt(0).toUpperCase() + project.role.slice(1)}</Badge>
          )
        }
      />

      {actionError && <ErrorBanner title="The action failed.">{actionError}</ErrorBanner>}
      {loadError && <ErrorBanner>{loadError}</ErrorBanner>}

      {openAlerts && openAlerts.length > 0 && (
        <Card
          flush
          title={
            <span className="title-with-count">
              Open alerts <span className="count-pill">{openAlerts.length}</span>
            </span>
          }
          actions={
            <Link to={`/projects/${project.id}/alerts`} className="btn btn-ghost btn-sm">
              All alerts
            </Link>
          }
        >
          <AlertList
            items={openAlerts.slice(0, 5)}
            accounts={items}
            canAck={perms.ackAlerts}
            onAck={ack}
            onOpenAccount={setDetail}
            onLinkNew={perms.write ? () => setAdding(true) : undefined}
          />
        </Card>
      )}

      <Card flush>
        {sorted === null ? (
          loadError ? <EmptyState title="Accounts could not be loaded" /> : <PageLoading />
        ) : sorted.length === 0 ? (
          <EmptyState
            title="No WhatsApp numbers yet"
            action={
              perms.write && (
                <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
                  <IconPlus size={16} /> Add the first number
                </button>
              )
            }
          >
            Add a number, then link it by scanning a QR code with the phone. For a demo without a phone, choose the
            Simulated engine.
          </EmptyState>
        ) : (
          <DataTable
            rows={sorted}
            columns={columns}
            getRowId={(a) => String(a.id)}
            rowProps={(a) => ({ 'data-account-id': a.id, 'data-phone': a.phone, className: [a.status === 'retired' ? 'row-muted' : '', flash === a.id ? 'row-flash' : ''].join(' ').trim() || undefined })}
            label={`WhatsApp accounts of ${project.name}`}
            className="accounts-table"
            testId="accounts-table"
          />
        )}
      </Card>

      {adding && items && (
        <AddAccountDialog
          project={project}
          defaultEngine={usualEngine(items)}
          onClose={() => setAdding(false)}
          onCreated={(a, linkNow) => {
            upsert(a);
            setAdding(false);
            toast(`${formatPhone(a.phone)} added`);
            if (linkNow) setLinking(a.id);
          }}
        />
      )}
      {editing && (
        <EditAccountDialog
          project={project}
          account={editing}
          onClose={() => setEditing(null)}
          onSaved={(a) => {
            upsert(a);
            toast(`${formatPhone(a.phone)} saved`);
          }}
        />
      )}
      {linkingAccount && (
        <LinkDialog project={project} account={linkingAccount} canSimulate={perms.simulate} onClose={() => setLinking(null)} onChanged={upsert} />
      )}
      {detailAccount && !linkingAccount && !confirm && !editing && (
        <AccountDrawer
          project={project}
          account={detailAccount}
          canSeeQr={perms.write}
          alerts={(openAlerts ?? []).filter((al) => al.account_id === detailAccount.id)}
          onClose={() => setDetail(null)}
          actions={
            perms.write && (
              <>
                {primaryAction(detailAccount)}
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(detailAccount)}>
                  <IconEdit size={15} /> Edit
                </button>
              </>
            )
          }
        />
      )}
      {confirm && confirm.kind === 'role' && (
        <ConfirmDialog
          title={`Make ${formatPhone(confirm.account.phone)} ${roleInfo[confirm.role].label}?`}
          confirmLabel={`Make it ${roleInfo[confirm.role].label}`}
          onClose={() => setConfirm(null)}
          onConfirm={() => void applyRole(confirm.account, confirm.role, true)}
        >
          {confirm.role === 'backup' ? (
            <>
              <strong>{accountName(confirm.account)}</strong> stops sending and stands by until a production number fails.
            </>
          ) : (
            <>
              <strong>{accountName(confirm.account)}</strong> goes back to warm-up: it sends at most the warm-up ramp’s
              daily limit (20 a day in the first week) instead of {confirm.account.daily_limit}.
            </>
          )}
        </ConfirmDialog>
      )}
      {confirm && confirm.kind !== 'role' && (
        <ConfirmDialog
          title={confirm.kind === 'retire' ? 'Retire this number?' : confirm.kind === 'logout' ? 'Log out the linked device?' : 'Delete this account?'}
          danger
          confirmLabel={confirm.kind === 'retire' ? 'Retire' : confirm.kind === 'logout' ? 'Log out' : 'Delete account'}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const a = confirm.account;
            if (confirm.kind === 'delete') {
              await accountsApi.remove(project.id, a.id);
              drop(a.id);
              if (detail === a.id) setDetail(null);
              toast(`${formatPhone(a.phone)} deleted`);
            } else if (confirm.kind === 'retire') {
              upsert(await accountsApi.transition(project.id, a.id, 'retired'));
              toast(`${formatPhone(a.phone)} retired`);
            } else {
              upsert(await accountsApi.logout(project.id, a.id));
              toast(`${formatPhone(a.phone)} logged out`);
            }
          }}
        >
          {confirm.kind === 'retire' && (
            <>
              <strong>{accountName(confirm.account)}</strong> stops sending and its client is stopped. Retiring is final: a
              retired number cannot be put back into service (its history is kept).
            </>
          )}
          {confirm.kind === 'logout' && (
            <>
              The device is unlinked from <strong>{accountName(confirm.account)}</strong> and its stored sessions are deleted.
              Sending stops until the number is linked again with a new QR scan.
            </>
          )}
          {confirm.kind === 'delete' && (
            <>
              <strong>{accountName(confirm.account)}</strong> is removed from {project.name}: the client is stopped and its
              sessions are deleted. This cannot be undone.
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
