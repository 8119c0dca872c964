// Our own groups (issue 10 items 3-5, 7): the groups we created with their growth phase and members
// against the phase's target, the project's one public link, and per group its invite link (copy,
// rotate, revoke), invitations, join requests (by hand or by rule) and the moderation log.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, accounts as accountsApi, errorMessage, type Account, type Project } from '../../api';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { formatDate, relativeTime } from '../../components/format';
import { useToast } from '../../components/Toast';
import { useLiveEvents } from '../../live';
import { formatPhone } from '../accounts/meta';
import { CreateGroupDialog, InviteDialog } from './CommunityDialogs';
import { growthInfo, ownGroupsApi, type ModerationRules, type Invite, type JoinRequest, type ModerationEntry, type OwnGroup, type OwnSettings, type PublicLink } from './api';
import './community.css';

export function CommunityPage({ project }: { project: Project }) {
  const toast = useToast();
  const canWrite = project.role === 'owner' || project.role === 'manager';
  const [items, setItems] = useState<OwnGroup[] | null>(null);
  const [publicLink, setPublicLink] = useState<PublicLink | null>(null);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await ownGroupsApi.list(project.id);
      setItems(r.items);
      setPublicLink(r.public_link);
      setSelected((s) => s ?? r.items[0]?.group_id ?? null);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [project.id]);
  useEffect(() => {
    void load();
    accountsApi.list(project.id).then((r) => setAccounts(r.items), () => {});
  }, [load, project.id]);
  useLiveEvents((ev) => {
    if (ev.project_id === project.id && ev.event === 'groups.updated') void load();
  });

  const group = items?.find((g) => g.group_id === selected) ?? null;
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      toast(`${what} copied`);
    } catch {
      toast(`Copy failed: select the ${what.toLowerCase()} and copy it by hand`);
    }
  };

  return (
    <div className="page community-page">
      <PageHeader
        title="Community"
        subtitle={`Groups ${project.name} created and runs: growth, invitations, join requests and moderation.`}
        actions={
          canWrite && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="community-create">
              Create group
            </button>
          )
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}

      <Card title="Public join link" subtitle="One link for the website and QR codes: it always leads to the first of our groups with room (WhatsApp allows 1,024 members)">
        {publicLink ? (
          <div className="public-link" data-testid="public-link">
            <code className="invite-url">{publicLink.url}</code>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void copy(publicLink.url, 'Public link')}>
              Copy
            </button>
            <span className="muted small">
              {publicLink.target ? `Leads to “${publicLink.target.name}” (${publicLink.target.members} member${publicLink.target.members === 1 ? '' : 's'})` : 'No group open to join: the link answers “not found”'}
            </span>
          </div>
        ) : (
          <PageLoading />
        )}
      </Card>

      {items === null ? (
        error ? <EmptyState title="Own groups could not be loaded" /> : <PageLoading />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState title="No own group yet">
            The seed's advice: create a group after 2–3 months of nurturing, once 50+ contacts are engaged, with a clear purpose.
          </EmptyState>
        </Card>
      ) : (
        <div className="own-groups" data-testid="own-groups">
          {items.map((g) => (
            <button
              type="button"
              key={g.group_id}
              className={`own-group ${g.group_id === selected ? 'selected' : ''}`}
              onClick={() => setSelected(g.group_id)}
              aria-pressed={g.group_id === selected}
              data-group-id={g.group_id}
            >
              <span className="own-group-head">
                <span className="own-group-name">{g.name}</span>
                <Badge tone={growthInfo[g.phase.name].tone}>{growthInfo[g.phase.name].label}</Badge>
                {g.left && <Badge tone="red">we left</Badge>}
                {g.full && <Badge tone="amber">full</Badge>}
              </span>
              <span className="muted small">{g.purpose}</span>
              <span className="own-group-target">
                <span className="small">
                  {g.members.toLocaleString('en-IN')} of {g.phase.target_min}–{g.phase.target_max} members
                </span>
                <span className="target-bar" role="progressbar" aria-label={`Members of ${g.name} against the ${growthInfo[g.phase.name].label} target`} aria-valuenow={Math.round(g.phase.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
                  <span style={{ width: `${Math.round(g.phase.progress * 100)}%` }} />
                </span>
              </span>
              {g.pending_requests > 0 && <span className="small">{g.pending_requests} join request{g.pending_requests === 1 ? '' : 's'} waiting</span>}
            </button>
          ))}
        </div>
      )}

      {group && <GroupPanel key={group.group_id} project={project} group={group} canWrite={canWrite} onChanged={load} copy={copy} />}
      {canWrite && <SettingsCard project={project} />}
      {creating && (
        <CreateGroupDialog
          project={project}
          accounts={accounts}
          onClose={() => setCreating(false)}
          onDone={(g) => {
            toast(`Created ${g.name}`);
            setSelected(g.group_id);
            void load();
          }}
        />
      )}
    </div>
  );
}

function GroupPanel({ project, group, canWrite, onChanged, copy }: { project: Project; group: OwnGroup; canWrite: boolean; onChanged: () => void; copy: (t: string, w: string) => Promise<void> }) {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invites, setInvites] = useState<Invite[]>([]);
  const [requests, setRequests] = useState<{ pending: JoinRequest[]; log: JoinRequest[] } | null>(null);
  const [modlog, setModlog] = useState<ModerationEntry[]>([]);
  const [inviting, setInviting] = useState(false);

  const reload = useCallback(async (refresh = false) => {
    const [i, r, m] = await Promise.allSettled([
      ownGroupsApi.invites(project.id, group.group_id),
      ownGroupsApi.requests(project.id, group.group_id, refresh),
      ownGroupsApi.moderationLog(project.id, group.group_id),
    ]);
    if (i.status === 'fulfilled') setInvites(i.value.items);
    if (r.status === 'fulfilled') setRequests(r.value);
    else setError(errorMessage(r.reason));
    if (m.status === 'fulfilled') setModlog(m.value.items);
  }, [project.id, group.group_id]);
  useEffect(() => {
    void reload();
  }, [reload, group.members, group.pending_requests]);

  const run = async (what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
      toast(done);
      onChanged();
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const ph = growthInfo[group.phase.name];

  return (
    <section className="group-panel" aria-label={`${group.name} details`} data-testid="own-group-panel">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="group-panel-grid">
        <Card title={group.name} subtitle={`${ph.label} since ${formatDate(group.phase.since)}${group.phase.next_at ? ` · next phase ${formatDate(group.phase.next_at)}` : ''}`}>
          <p className="small">{ph.hint}</p>
          <dl className="facts small">
            <dt>Admin number</dt>
            <dd>{group.account.label || formatPhone(group.account.phone)}</dd>
            <dt>Community</dt>
            <dd>{group.community?.name ?? '—'}</dd>
            <dt>Settings</dt>
            <dd>
              {group.announce_only ? 'Only admins send' : 'Everyone sends'} · {group.admins_add_only ? 'only admins add members' : 'members may add others'}
            </dd>
          </dl>
        </Card>
        <Card title="Invite link" subtitle="Rotate replaces it; revoke replaces it and keeps the new one hidden">
          {group.left ? (
            <p className="field-error small">Our number is no longer in this group: it has no link we can use.</p>
          ) : group.invite_link ? (
            <div className="public-link">
              <code className="invite-url" data-testid="invite-link">{group.invite_link}</code>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void copy(group.invite_link!, 'Invite link')}>
                Copy
              </button>
            </div>
          ) : (
            <p className="muted small">{group.link_hidden ? 'Revoked: no link is shown or used.' : 'Not fetched yet.'}</p>
          )}
          {canWrite && !group.left && (
            <div className="button-row">
              {!group.invite_link && (
                <button type="button" className="btn btn-secondary btn-sm" disabled={!!busy} onClick={() => void run('show', () => ownGroupsApi.showLink(project.id, group.group_id), 'Link shown')}>
                  Show link
                </button>
              )}
              <button type="button" className="btn btn-secondary btn-sm" disabled={!!busy} data-testid="link-rotate" onClick={() => void run('rotate', () => ownGroupsApi.rotateLink(project.id, group.group_id), 'New link made; the old one stopped working')}>
                {busy === 'rotate' ? 'Rotating…' : 'Rotate'}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" disabled={!!busy} onClick={() => void run('revoke', () => ownGroupsApi.revokeLink(project.id, group.group_id), 'Link revoked')}>
                Revoke
              </button>
            </div>
          )}
        </Card>
      </div>

      <Card
        title="Invitations"
        subtitle="Only engaged or opted-in contacts; direct adds are paced, and a person whose privacy refuses adds gets the link"
        actions={canWrite && !group.left && (
          <button type="button" className="btn btn-primary btn-sm" onClick={() => setInviting(true)} data-testid="invite-open">
            Invite contacts
          </button>
        )}
      >
        {invites.length === 0 ? (
          <p className="muted small">Nobody invited yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="table invites-table" data-testid="invites-table">
              <thead>
                <tr>
                  <th>Contact</th>
                  <th>How</th>
                  <th>Status</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {invites.map((i) => (
                  <tr key={i.id}>
                    <td>
                      {i.contact.name || formatPhone(i.contact.phone)}
                      {i.contact.name && <div className="muted small">{formatPhone(i.contact.phone)}</div>}
                    </td>
                    <td>{i.method === 'add' ? 'Direct add' : 'Link, one-to-one'}</td>
                    <td>
                      <Badge tone={i.status === 'added' ? 'green' : i.status === 'failed' ? 'red' : i.status === 'link_sent' ? 'blue' : 'gray'}>{i.status_text}</Badge>
                      {(i.reason || i.message_reason) && <div className="muted small">{i.reason ?? i.message_reason}</div>}
                    </td>
                    <td className="nowrap muted small">{relativeTime(i.updated_at, Date.now())}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card
        title="Join requests"
        subtitle="Decided by hand or by the project's rule; every decision is logged"
        actions={!group.left && (
          <div className="button-row">
            <button type="button" className="btn btn-secondary btn-sm" disabled={!!busy} onClick={() => void run('refresh', () => reload(true), 'Asked WhatsApp for new requests')}>
              Refresh
            </button>
            {canWrite && (
              <button type="button" className="btn btn-secondary btn-sm" disabled={!!busy} onClick={() => void run('rule', () => ownGroupsApi.applyRule(project.id, group.group_id), 'Rule applied')}>
                Apply rule
              </button>
            )}
          </div>
        )}
      >
        {!requests ? (
          <PageLoading />
        ) : (
          <>
            {requests.pending.length === 0 ? (
              <p className="muted small">No request waiting.</p>
            ) : (
              <ul className="request-list" data-testid="requests-pending">
                {requests.pending.map((r) => (
                  <li key={r.id}>
                    <span>
                      {r.phone ? formatPhone(r.phone) : r.requester}
                      <span className="muted small"> · asked {relativeTime(r.requested_at, Date.now())}</span>
                    </span>
                    {canWrite && (
                      <span className="button-row">
                        <button type="button" className="btn btn-primary btn-sm" disabled={!!busy} onClick={() => void run(`a${r.id}`, () => ownGroupsApi.decide(project.id, group.group_id, r.id, true), 'Approved')}>
                          Approve
                        </button>
                        <button type="button" className="btn btn-ghost btn-sm" disabled={!!busy} onClick={() => void run(`r${r.id}`, () => ownGroupsApi.decide(project.id, group.group_id, r.id, false), 'Rejected')}>
                          Reject
                        </button>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {requests.log.length > 0 && (
              <>
                <h3 className="section-title">Decisions</h3>
                <ul className="request-list" data-testid="requests-log">
                  {requests.log.slice(0, 20).map((r) => (
                    <li key={r.id}>
                      <span>
                        {r.phone ? formatPhone(r.phone) : r.requester}{' '}
                        <Badge tone={r.status === 'approved' ? 'green' : r.status === 'rejected' ? 'red' : 'gray'}>{r.status}</Badge>
                      </span>
                      <span className="muted small">{r.by === 'rule' ? `by rule: ${r.rule}` : r.reason ?? 'by hand'}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Card>

      <Card title="Moderation log" subtitle="What the rules did (or, in a dry run, would have done), with the message and the rule">
        {modlog.length === 0 ? (
          <p className="muted small">Nothing moderated yet.</p>
        ) : (
          <ul className="request-list" data-testid="moderation-log">
            {modlog.slice(0, 20).map((m) => (
              <li key={m.id}>
                <span className="mod-body">
                  “{m.body}”<span className="muted small"> · {m.author.split('@')[0]}</span>
                </span>
                <span className="small">
                  <Badge tone={m.dry_run ? 'gray' : m.action === 'remove' ? 'red' : 'amber'}>{m.dry_run ? `would ${m.action}` : m.action}</Badge> {m.rule}
                  {m.outcome && <span className="muted"> · {m.outcome}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {canWrite && !group.left && <ModerationCard project={project} group={group} onSaved={() => void reload()} />}
      {inviting && <InviteDialog project={project} group={group} onClose={() => setInviting(false)} onDone={(m) => { toast(m); onChanged(); void reload(); }} />}
    </section>
  );
}

function SettingsCard({ project }: { project: Project }) {
  const toast = useToast();
  const [s, setS] = useState<OwnSettings | null>(null);
  const [countries, setCountries] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  useEffect(() => {
    ownGroupsApi.settings(project.id).then((r) => {
      setS(r);
      setCountries(r.join_rule.countries.join(', '));
    }, () => {});
  }, [project.id]);
  if (!s) return null;
  const save = async () => {
    setError(null);
    try {
      const list = countries.split(/[\s,]+/).filter(Boolean);
      const r = await ownGroupsApi.putSettings(project.id, { ...s, join_rule: { ...s.join_rule, countries: list } });
      setS(r);
      toast('Settings saved');
    } catch (e) {
      setError({ message: errorMessage(e) });
    }
  };
  return (
    <Card title="Invitations and join requests" subtitle="For every own group of the project">
      <div className="settings-grid">
        <label className="field">
          <span className="field-label">Seconds between direct adds</span>
          <input className="input" type="number" min={10} max={3600} value={s.add_interval_seconds} onChange={(e) => setS({ ...s, add_interval_seconds: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span className="field-label">Direct adds per number and day</span>
          <input className="input" type="number" min={1} max={200} value={s.adds_per_day} onChange={(e) => setS({ ...s, adds_per_day: Number(e.target.value) })} />
        </label>
        <label className="field check">
          <input type="checkbox" checked={s.join_rule.enabled} onChange={(e) => setS({ ...s, join_rule: { ...s.join_rule, enabled: e.target.checked } })} />
          <span>Decide join requests by rule</span>
        </label>
        <label className="field">
          <span className="field-label">Phone countries let in</span>
          <input className="input" value={countries} placeholder="IN" onChange={(e) => setCountries(e.target.value)} />
        </label>
        <label className="field check">
          <input type="checkbox" checked={s.join_rule.known_contacts_only} onChange={(e) => setS({ ...s, join_rule: { ...s.join_rule, known_contacts_only: e.target.checked } })} />
          <span>Only known contacts</span>
        </label>
        <label className="field check">
          <input type="checkbox" checked={s.join_rule.reject_others} onChange={(e) => setS({ ...s, join_rule: { ...s.join_rule, reject_others: e.target.checked } })} />
          <span>Reject the others (else leave them for a person)</span>
        </label>
      </div>
      <p className="muted small">Suppressed and opted-out numbers are never let in by the rule.</p>
      {error && <div className="field-error" role="alert">{error.message}</div>}
      <button type="button" className="btn btn-primary btn-sm" onClick={() => void save()}>
        Save
      </button>
    </Card>
  );
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

function ModerationCard({ project, group, onSaved }: { project: Project; group: OwnGroup; onSaved: () => void }) {
  const toast = useToast();
  const [rules, setRules] = useState<ModerationRules | null>(null);
  const [dry, setDry] = useState(true);
  const [words, setWords] = useState('');
  const [patterns, setPatterns] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  useEffect(() => {
    ownGroupsApi.moderation(project.id, group.group_id).then((m) => {
      setRules(m.rules);
      setDry(m.dry_run);
      setWords(m.rules.banned_words.join('\n'));
      setPatterns((m.rules.patterns ?? []).join('\n'));
    }, () => {});
  }, [project.id, group.group_id]);
  if (!rules) return null;
  const save = async () => {
    setError(null);
    try {
      const m = await ownGroupsApi.putModeration(project.id, group.group_id, dry, { ...rules, banned_words: lines(words), patterns: lines(patterns) });
      setRules(m.rules);
      toast(m.dry_run ? 'Moderation saved: dry run, it only reports' : 'Moderation saved: it deletes, warns and removes');
      onSaved();
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    }
  };
  return (
    <Card title="Moderation rules" subtitle="Admins and allow-listed numbers are exempt; every hit is a strike, the member is removed at the last one">
      <div className="settings-grid">
        <label className="field check">
          <input type="checkbox" checked={rules.links} onChange={(e) => setRules({ ...rules, links: e.target.checked })} />
          <span>Links from non-admins</span>
        </label>
        <label className="field check">
          <input type="checkbox" checked={rules.forwarded_chains} onChange={(e) => setRules({ ...rules, forwarded_chains: e.target.checked })} />
          <span>Chain messages forwarded many times</span>
        </label>
        <label className="field">
          <span className="field-label">Strikes before removal</span>
          <input className="input" type="number" min={1} max={20} value={rules.strikes_to_remove} onChange={(e) => setRules({ ...rules, strikes_to_remove: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span className="field-label">Banned words (one a line)</span>
          <textarea className={`input ${error?.field?.startsWith('banned_words') ? 'invalid' : ''}`} rows={3} value={words} onChange={(e) => setWords(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Spam patterns (regular expressions, one a line)</span>
          <textarea className={`input ${error?.field?.startsWith('patterns') ? 'invalid' : ''}`} rows={3} value={patterns} onChange={(e) => setPatterns(e.target.value)} data-testid="moderation-patterns" />
        </label>
        <label className="field check">
          <input type="checkbox" checked={dry} onChange={(e) => setDry(e.target.checked)} />
          <span>Dry run: only report what it would do</span>
        </label>
      </div>
      {error && <div className="field-error" role="alert" data-testid="moderation-error">{error.message}</div>}
      <button type="button" className="btn btn-primary btn-sm" onClick={() => void save()} data-testid="moderation-save">
        Save rules
      </button>
    </Card>
  );
}
