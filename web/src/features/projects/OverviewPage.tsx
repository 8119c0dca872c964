import { useEffect, useState } from 'react';
import { members as membersApi, type Project } from '../../api';
import { IconClock, IconGlobe, IconUsers } from '../../components/Icons';
import { Badge, Card, PageHeader, RoleBadge } from '../../components/ui';
import { formatDate, hhmmToMinutes, zonedParts } from '../../components/format';
import { useLiveEvents } from '../../live';
import { Link } from '../../router';
import { HoursBar } from './ProjectForm';
import { useNow } from '../../components/useNow';
import { AccountsSummaryCard, sendingSummary } from '../accounts/AccountsSummaryCard';
import { useAccounts } from '../accounts/useAccounts';

function windowStatus(p: Project, minutes: number): { open: boolean; text: string } {
  const ws = p.working_hours
    .map((w) => ({ ...w, a: hhmmToMinutes(w.start), b: hhmmToMinutes(w.end) }))
    .filter((w) => Number.isFinite(w.a) && Number.isFinite(w.b))
    .sort((x, y) => x.a - y.a);
  const cur = ws.find((w) => minutes >= w.a && minutes < w.b);
  if (cur) return { open: true, text: `Sending window open until ${cur.end}` };
  const next = ws.find((w) => w.a > minutes);
  if (next) return { open: false, text: `Outside working hours — next window opens at ${next.start}` };
  if (ws[0]) return { open: false, text: `Outside working hours — opens tomorrow at ${ws[0].start}` };
  return { open: false, text: 'No working hours set' };
}

export function OverviewPage({ project }: { project: Project }) {
  const now = useNow();
  const local = zonedParts(now, project.time_zone);
  const win = local ? windowStatus(project, local.minutes) : null;
  const { items: accountItems } = useAccounts(project.id);
  const canSend = accountItems ? sendingSummary(accountItems).sending : null;
  // An open window with no number able to send is not "open" to anyone who reads it (issue 13 item 1).
  const status =
    win && canSend === 0
      ? { open: false, blocked: true, text: win.open ? `No number can send, although the window is open until ${win.text.replace(/^.* until /, '')}. Link a number or bring one back.` : `No number can send. ${win.text}.` }
      : win && { ...win, blocked: false };
  const [memberCount, setMemberCount] = useState<number | null>(null);

  const loadMembers = () => {
    membersApi.list(project.id).then(
      (r) => setMemberCount(r.items.length),
      () => setMemberCount(null),
    );
  };
  useEffect(loadMembers, [project.id]);
  useLiveEvents((ev) => {
    if (ev.project_id === project.id && ev.event.startsWith('member.')) loadMembers();
  });

  return (
    <div className="page">
      <PageHeader
        title={project.name}
        subtitle={
          <>
            <span className="mono">/{project.slug}</span> · created {formatDate(project.created_at)}
          </>
        }
        actions={
          project.role === 'owner' ? (
            <Link to={`/projects/${project.id}/settings`} className="btn btn-secondary">
              Edit settings
            </Link>
          ) : undefined
        }
      />

      <div className="stats">
        <div className="stat">
          <div className="stat-icon green">
            <IconClock />
          </div>
          <div>
            <div className="stat-label">Local time</div>
            <div className="stat-value" data-testid="local-time">
              {local ? local.time : '—'}
              <span className="stat-unit">{local?.offset}</span>
            </div>
            <div className="stat-sub">{local?.date ?? project.time_zone}</div>
          </div>
        </div>
        <div className="stat">
          <div className="stat-icon blue">
            <IconGlobe />
          </div>
          <div>
            <div className="stat-label">Time zone</div>
            <div className="stat-value small-value" data-testid="overview-time-zone">
              {project.time_zone.replace(/_/g, ' ')}
            </div>
            <div className="stat-sub">Phone region {project.default_region}</div>
          </div>
        </div>
        <div className="stat">
          <div className="stat-icon violet">
            <IconUsers />
          </div>
          <div>
            <div className="stat-label">Members</div>
            <div className="stat-value">{memberCount ?? '—'}</div>
            <div className="stat-sub">
              Your role <RoleBadge role={project.role} />
            </div>
          </div>
        </div>
      </div>

      <AccountsSummaryCard project={project} />

      <div className="grid-2">
        <Card
          title="Sending calendar"
          subtitle={`Working hours in ${project.time_zone}`}
          actions={
            status && (
              <Badge tone={status.blocked ? 'red' : status.open ? 'green' : 'amber'} dot>
                {status.blocked ? 'Not sending' : status.open ? 'Open' : 'Closed'}
              </Badge>
            )
          }
        >
          <HoursBar windows={project.working_hours} nowMinutes={local?.minutes} />
          {status && (
            <p className={`calendar-status ${status.blocked ? 'text-red' : ''}`} data-testid="calendar-status">
              {status.text}
            </p>
          )}
          <dl className="kv">
            <dt>Windows</dt>
            <dd>
              {project.working_hours.map((w, i) => (
                <span key={i} className="chip mono">
                  {w.start}–{w.end}
                </span>
              ))}
            </dd>
            <dt>Weekend volume</dt>
            <dd>{Math.round(project.weekend_factor * 100)}% of a weekday</dd>
          </dl>
        </Card>

        <Card title="Project summary">
          <dl className="kv">
            <dt>Name</dt>
            <dd>{project.name}</dd>
            <dt>Slug</dt>
            <dd className="mono">{project.slug}</dd>
            <dt>Time zone</dt>
            <dd>{project.time_zone}</dd>
            <dt>Default region</dt>
            <dd className="mono">{project.default_region}</dd>
            <dt>Regions</dt>
            <dd>
              {project.regions.length ? (
                project.regions.map((r) => (
                  <span key={r} className="chip">
                    {r}
                  </span>
                ))
              ) : (
                <span className="muted">None yet</span>
              )}
            </dd>
            <dt>Personas</dt>
            <dd>
              {project.personas.length ? (
                project.personas.map((r) => (
                  <span key={r} className="chip">
                    {r}
                  </span>
                ))
              ) : (
                <span className="muted">None yet</span>
              )}
            </dd>
            <dt>Your role</dt>
            <dd>
              <RoleBadge role={project.role} />
            </dd>
          </dl>
        </Card>
      </div>
    </div>
  );
}
