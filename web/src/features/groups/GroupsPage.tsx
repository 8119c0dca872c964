// Groups, communities and channels of the project: which of our numbers is in each, its engagement
// phase, member counts and activity; sync progress per number; join by invite link.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { accounts as accountsApi, errorMessage, type Account, type Project } from '../../api';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { relativeTime } from '../../components/format';
import { useNow } from '../../components/useNow';
import { useToast } from '../../components/Toast';
import { useLiveEvents } from '../../live';
import { formatPhone } from '../accounts/meta';
import { GroupDrawer } from './GroupDrawer';
import { JoinDialog } from './JoinDialog';
import { PHASES, groupsApi, kindLabel, phaseInfo, type Group, type GroupFilters, type SyncRun } from './api';
import './groups.css';

export function GroupsPage({ project }: { project: Project }) {
  useNow(30_000);
  const toast = useToast();
  const canWrite = project.role === 'owner' || project.role === 'manager';
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [filters, setFilters] = useState<GroupFilters>({});
  const [items, setItems] = useState<Group[] | null>(null);
  const [total, setTotal] = useState(0);
  const [runs, setRuns] = useState<SyncRun[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [detail, setDetail] = useState<number | null>(null);
  const [joining, setJoining] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await groupsApi.list(project.id, filters);
      setItems(r.items);
      setTotal(r.total);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [project.id, filters]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    accountsApi.list(project.id).then((r) => setAccounts(r.items), () => {});
    groupsApi.sync(project.id).then((r) => setRuns(r.items), () => {});
  }, [project.id]);

  // Sync progress arrives page by page; the list is reloaded when a run ends (and at most every 3 s while it runs).
  const [lastReload, setLastReload] = useState(0);
  useLiveEvents((ev) => {
    if (ev.project_id !== project.id) return;
    if (ev.event === 'groups.sync') {
      const run = ev.data as SyncRun;
      setRuns((l) => [...l.filter((x) => x.account_id !== run.account_id), run].sort((a, b) => a.account_id - b.account_id));
      if (run.status !== 'running' || Date.now() - lastReload > 3000) {
        setLastReload(Date.now());
        void load();
      }
    } else if (ev.event === 'groups.join' || ev.event === 'groups.updated') {
      void load();
    }
  });

  const accountName = useMemo(() => {
    const m = new Map<number, string>();
    for (const a of accounts) m.set(a.id, a.label || formatPhone(a.phone));
    return (id: number) => m.get(id) ?? `#${id}`;
  }, [accounts]);

  const syncNow = async () => {
    try {
      const r = await groupsApi.startSync(project.id);
      setRuns(r.items);
      toast('Sync started');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const set = (k: keyof GroupFilters, v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const running = runs.some((r) => r.status === 'running');
  const members = items?.reduce((n, g) => n + (g.kind === 'channel' ? 0 : g.size), 0) ?? 0;

  return (
    <div className="page groups-page">
      <PageHeader
        title="Groups"
        subtitle={`Groups, communities and channels of ${project.name}'s numbers, their engagement phase and activity.`}
        actions={
          canWrite && (
            <>
              <button type="button" className="btn btn-secondary" onClick={() => void syncNow()} disabled={running} data-testid="groups-sync">
                {running ? 'Syncing…' : 'Sync now'}
              </button>
              <button type="button" className="btn btn-primary" onClick={() => setJoining(true)} data-testid="groups-join">
                Join by link
              </button>
            </>
          )
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}

      <div className="groups-summary">
        <SyncCard runs={runs} accountName={accountName} />
        <Card title="At a glance">
          <div className="groups-stats">
            <Stat label="Groups & channels" value={total} />
            <Stat label="Members (listed)" value={members.toLocaleString('en-IN')} />
            <Stat label="Messages / day (7 d)" value={(items ?? []).reduce((n, g) => n + g.activity.messages_per_day, 0).toFixed(0)} />
          </div>
        </Card>
      </div>

      <Card flush>
        <div className="groups-filters" role="search">
          <input className="input" placeholder="Search name or description" value={filters.q ?? ''} onChange={(e) => set('q', e.target.value)} aria-label="Search groups" />
          <select className="select" value={filters.account ?? ''} onChange={(e) => set('account', e.target.value)} aria-label="Number">
            <option value="">All numbers</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label || formatPhone(a.phone)}
              </option>
            ))}
          </select>
          <select className="select" value={filters.phase ?? ''} onChange={(e) => set('phase', e.target.value)} aria-label="Phase">
            <option value="">Any phase</option>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {phaseInfo[p].label}
              </option>
            ))}
          </select>
          <select className="select" value={filters.kind ?? ''} onChange={(e) => set('kind', e.target.value)} aria-label="Kind">
            <option value="">All kinds</option>
            {Object.entries(kindLabel).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
          <select className="select" value={filters.admin ?? ''} onChange={(e) => set('admin', e.target.value)} aria-label="Admin">
            <option value="">Admin or not</option>
            <option value="true">We are admin</option>
            <option value="false">We are members</option>
          </select>
        </div>
        {items === null ? (
          error ? <EmptyState title="Groups could not be loaded" /> : <PageLoading />
        ) : items.length === 0 ? (
          <EmptyState title={Object.values(filters).some(Boolean) ? 'No group matches these filters' : 'No groups yet'}>
            Groups appear here after a linked number is synced: right after linking, daily, or with “Sync now”.
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="table groups-table" data-testid="groups-table">
              <thead>
                <tr>
                  <th>Group</th>
                  <th className="right">Members</th>
                  <th>Our numbers</th>
                  <th className="right">Msgs / day</th>
                  <th className="right">Active</th>
                  <th>Synced</th>
                </tr>
              </thead>
              <tbody>
                {items.map((g) => (
                  <tr key={g.id} data-group-id={g.id}>
                    <td>
                      <button type="button" className="group-cell" onClick={() => setDetail(g.id)} title="Show details">
                        <span className="group-name">{g.name || g.wa_id}</span>
                        <span className="group-sub">
                          <Badge tone={g.kind === 'community' ? 'violet' : g.kind === 'channel' ? 'amber' : 'gray'}>{kindLabel[g.kind]}</Badge>
                          {g.parent && <span className="muted small">in {g.parent.name ?? 'a community'}</span>}
                          {g.announce_only && g.kind === 'group' && <span className="muted small">admins only</span>}
                        </span>
                      </button>
                    </td>
                    <td className="right nowrap">
                      {g.size.toLocaleString('en-IN')}
                      {g.lid_members > 0 && <div className="muted small">{g.lid_members} as @lid</div>}
                    </td>
                    <td>
                      <div className="group-accounts">
                        {g.accounts.filter((a) => a.in_group).map((a) => (
                          <span key={a.account_id} className="group-account" title={phaseInfo[a.phase].hint}>
                            <span className="small">{accountName(a.account_id)}</span>
                            <Badge tone={phaseInfo[a.phase].tone}>{phaseInfo[a.phase].label}</Badge>
                            {a.is_admin && <Badge tone="violet">admin</Badge>}
                          </span>
                        ))}
                      </div>
                    </td>
                    <td className="right">{g.kind === 'channel' || (g.announce_only && g.activity.messages === 0) ? <span className="muted">—</span> : g.activity.messages_per_day.toFixed(1)}</td>
                    <td className="right">{g.kind === 'channel' || (g.announce_only && g.activity.messages === 0) ? <span className="muted">—</span> : g.activity.active_members}</td>
                    <td className="nowrap muted small">{g.synced_at ? relativeTime(g.synced_at) : 'never'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {detail !== null && (
        <GroupDrawer project={project} groupId={detail} canWrite={canWrite} accountName={accountName} onClose={() => setDetail(null)} onChanged={load} />
      )}
      {joining && (
        <JoinDialog
          project={project}
          accounts={accounts}
          onClose={() => setJoining(false)}
          onDone={(msg) => {
            toast(msg);
            void load();
          }}
        />
      )}
    </div>
  );
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-IN')} ${word}${n === 1 ? '' : 's'}`;
}

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="groups-stat">
      <div className="groups-stat-value">{value}</div>
      <div className="muted small">{label}</div>
    </div>
  );
}

function SyncCard({ runs, accountName }: { runs: SyncRun[]; accountName: (id: number) => string }) {
  return (
    <Card title="Sync" subtitle="After linking, daily, and on demand; in pages of 25 groups">
      {runs.length === 0 ? (
        <p className="muted small">No number has been synced yet.</p>
      ) : (
        <ul className="sync-list" data-testid="sync-list">
          {runs.map((r) => {
            const pct = r.groups_total ? Math.round((100 * r.groups_done) / r.groups_total) : r.status === 'done' ? 100 : 0;
            return (
              <li key={r.account_id} data-status={r.status}>
                <div className="sync-line">
                  <span className="small">{accountName(r.account_id)}</span>
                  <span className="muted small">
                    {r.status === 'running'
                      ? `${r.groups_done} of ${r.groups_total ?? '…'} groups`
                      : r.status === 'done'
                        ? `${plural(r.groups_done, 'group')} · ${plural(r.channels, 'channel')} · ${relativeTime(r.finished_at ?? r.updated_at)}`
                        : 'failed'}
                  </span>
                </div>
                <div
                  className={`sync-bar sync-${r.status}`}
                  role="progressbar"
                  aria-label={`Group sync of ${accountName(r.account_id)}`}
                  aria-valuenow={pct}
                  aria-valuemin={0}
                  aria-valuemax={100}
                >
                  <span style={{ width: `${pct}%` }} />
                </div>
                {r.error && <div className="field-error small">{r.error}</div>}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
