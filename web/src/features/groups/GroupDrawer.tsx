// One group: our numbers and their phases (set by hand), members, 30 days of activity, keywords and
// key members.
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { errorMessage, type Project } from '../../api';
import { IconX } from '../../components/Icons';
import { useEscapeKey } from '../../components/Modal';
import { Badge, ErrorBanner, PageLoading } from '../../components/ui';
import { formatDate } from '../../components/format';
import { Link } from '../../router';
import { PHASES, groupsApi, kindLabel, phaseInfo, type GroupDetail, type Phase } from './api';

export function GroupDrawer({
  project,
  groupId,
  canWrite,
  accountName,
  onClose,
  onChanged,
}: {
  project: Project;
  groupId: number;
  canWrite: boolean;
  accountName: (id: number) => string;
  onClose: () => void;
  onChanged: () => void;
}) {
  useEscapeKey(onClose);
  const [g, setG] = useState<GroupDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    groupsApi.get(project.id, groupId).then(
      (d) => !gone && setG(d),
      (e) => !gone && setError(errorMessage(e)),
    );
    return () => {
      gone = true;
    };
  }, [project.id, groupId]);

  const setPhase = async (aid: number, phase: Phase) => {
    try {
      setG(await groupsApi.setPhase(project.id, groupId, aid, phase));
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const max = Math.max(1, ...(g?.activity.days.map((d) => d.messages) ?? [1]));
  return createPortal(
    <div className="drawer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <aside className="drawer group-drawer" role="dialog" aria-modal="true" aria-label={g?.name ?? 'Group'} data-testid="group-drawer">
        <div className="drawer-header">
          <div>
            <div className="drawer-name">{g?.name ?? '…'}</div>
            {g && (
              <div className="muted small">
                {kindLabel[g.kind]} · {g.members.total.toLocaleString('en-IN')} {g.kind === 'channel' ? 'followers' : 'members'}
                {g.members.lid_only > 0 && ` · ${g.members.lid_only} only as @lid`}
                {g.kind !== 'channel' && g.members.total > 0 && (
                  <>
                    {' · '}
                    <Link to={`/projects/${project.id}/contacts?group=${g.id}`} data-testid="group-members-link">
                      See the members
                    </Link>
                  </>
                )}
              </div>
            )}
          </div>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <IconX />
          </button>
        </div>
        <div className="drawer-body">
          {error && <ErrorBanner>{error}</ErrorBanner>}
          {!g ? (
            !error && <PageLoading />
          ) : (
            <>
              {g.parent && <p className="small muted">Part of the community {g.parent.name ?? g.parent.wa_id}</p>}
              {g.description && <p className="small group-desc">{g.description}</p>}
              {g.invite_link && (
                <p className="small">
                  Invite link: <span className="mono">{g.invite_link}</span>
                </p>
              )}
              <section className="drawer-section">
                <h3 className="section-title">Our numbers</h3>
                <ul className="group-phases">
                  {g.accounts.map((a) => (
                    <li key={a.account_id}>
                      <div>
                        <strong className="small">{accountName(a.account_id)}</strong> {a.is_admin && <Badge tone="violet">admin</Badge>}
                        {!a.in_group && <Badge tone="red">left</Badge>}
                        <div className="muted small">
                          {PHASES.filter((p) => a.phases[p]).map((p) => `${phaseInfo[p].label} since ${formatDate(a.phases[p])}`).join(' · ')}
                          {a.phase_manual && ' · set by hand'}
                        </div>
                      </div>
                      {canWrite ? (
                        <select className="select select-sm" value={a.phase} aria-label={`Phase of ${accountName(a.account_id)}`} onChange={(e) => void setPhase(a.account_id, e.target.value as Phase)}>
                          {PHASES.map((p) => (
                            <option key={p} value={p}>
                              {phaseInfo[p].label}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <Badge tone={phaseInfo[a.phase].tone}>{phaseInfo[a.phase].label}</Badge>
                      )}
                    </li>
                  ))}
                </ul>
              </section>
              {g.kind !== 'channel' && (
                <>
                  <section className="drawer-section">
                    <h3 className="section-title">Activity, last 30 days</h3>
                    <div className="muted small">
                      {g.activity.messages_7d} messages in 7 days ({g.activity.messages_per_day.toFixed(1)} a day), up to {g.activity.active_members_peak_7d} members active a day
                    </div>
                    <div className="activity-bars" aria-label="Messages per day">
                      {g.activity.days.map((d) => (
                        <span key={d.day} title={`${d.day}: ${d.messages} messages, ${d.active_members} members`} style={{ height: `${Math.max(4, (100 * d.messages) / max)}%` }} />
                      ))}
                    </div>
                  </section>
                  <section className="drawer-section">
                    <h3 className="section-title">Frequent words</h3>
                    {g.activity.keywords.length === 0 ? (
                      <p className="muted small">No messages seen yet.</p>
                    ) : (
                      <div className="keyword-chips" data-testid="group-keywords">
                        {g.activity.keywords.map((k) => (
                          <span key={k.word} className="chip">
                            {k.word} <span className="muted">{k.count}</span>
                          </span>
                        ))}
                      </div>
                    )}
                  </section>
                  <section className="drawer-section">
                    <h3 className="section-title">Key members</h3>
                    <ul className="key-members">
                      {g.activity.key_members.map((m) => (
                        <li key={m.member}>
                          <span>
                            {m.name || (m.phone ? m.phone : 'Shown only as @lid')} {m.is_admin && <Badge tone="violet">admin</Badge>}
                            <span className="muted small block mono">{m.name ? (m.phone ?? m.lid) : m.phone ? 'no name' : m.lid}</span>
                          </span>
                          <span className="muted small">{m.messages} msgs</span>
                        </li>
                      ))}
                    </ul>
                  </section>
                </>
              )}
            </>
          )}
        </div>
      </aside>
    </div>,
    document.body,
  );
}
