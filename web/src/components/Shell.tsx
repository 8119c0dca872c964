import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Project } from '../api';
import { useAlerts } from '../features/alerts/context';
import { useSession } from '../features/auth/session';
import { ProjectSwitcher } from '../features/projects/ProjectSwitcher';
import { useLiveState } from '../live';
import { Link } from '../router';
import { IconBell, IconChevronDown, IconHome, IconPhone, IconKey, IconPlug, IconList, IconLogout, IconSettings, IconUserCog, IconUsers, Logo } from './Icons';
import { Avatar } from './ui';

function NavItem({
  to,
  icon,
  children,
  active,
  testId,
  count,
}: {
  to: string;
  icon: ReactNode;
  children: ReactNode;
  active: boolean;
  testId?: string;
  count?: number;
}) {
  return (
    <Link to={to} className={`nav-item ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined} data-testid={testId}>
      {icon}
      <span>{children}</span>
      {!!count && (
        <span className="nav-count" data-testid={testId ? `${testId}-count` : undefined} aria-label={`${count} open`}>
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}

function LiveIndicator() {
  const s = useLiveState();
  const label = s === 'open' ? 'Live' : s === 'connecting' ? 'Connecting…' : 'Offline — retrying';
  return (
    <span className={`live live-${s}`} title="Live updates over WebSocket" data-testid="live-indicator">
      <span className="live-dot" />
      {label}
    </span>
  );
}

function UserMenu() {
  const { me, logout } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);
  if (!me) return null;
  const u = me.user;
  return (
    <div className="user-menu" ref={ref}>
      {open && (
        <div className="user-menu-pop" role="menu">
          <div className="user-menu-head">
            <div className="strong">{u.name}</div>
            <div className="muted small">{u.email}</div>
          </div>
          <Link to="/tokens" className="menu-item" role="menuitem" onClick={() => setOpen(false)}>
            <IconKey size={16} /> API tokens
          </Link>
          <button type="button" className="menu-item" role="menuitem" onClick={() => void logout()} data-testid="logout">
            <IconLogout size={16} /> Sign out
          </button>
        </div>
      )}
      <button type="button" className="user-button" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="user-menu">
        <Avatar name={u.name || u.email} size={32} />
        <span className="user-text">
          <span className="user-name">{u.name || u.email}</span>
          <span className="user-role">{u.is_admin ? 'Administrator' : u.email}</span>
        </span>
        <IconChevronDown size={16} />
      </button>
    </div>
  );
}

export function Shell({
  project,
  section,
  path,
  children,
}: {
  project: Project | undefined;
  /** "", "accounts", "alerts", "settings", "members", "audit" for project pages; "" elsewhere. */
  section: string;
  path: string;
  children: ReactNode;
}) {
  const { me } = useSession();
  const { open: openAlerts } = useAlerts();
  const base = project ? `/projects/${project.id}` : '';
  const projectPage = path.startsWith('/projects/') && !!project;
  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <Logo size={30} />
          <span>Sangam</span>
        </div>
        <ProjectSwitcher current={project} section={projectPage ? section : ''} />
        <nav className="nav" aria-label="Main">
          {project && (
            <>
              <div className="nav-label">Project</div>
              <NavItem to={base} icon={<IconHome />} active={projectPage && section === ''} testId="nav-overview">
                Overview
              </NavItem>
              <NavItem to={`${base}/accounts`} icon={<IconPhone />} active={projectPage && section === 'accounts'} testId="nav-accounts">
                Accounts
              </NavItem>
              <NavItem
                to={`${base}/alerts`}
                icon={<IconBell />}
                active={projectPage && section === 'alerts'}
                testId="nav-alerts"
                count={openAlerts?.length}
              >
                Alerts
              </NavItem>
              <NavItem to={`${base}/contacts`} icon={<IconUsers />} active={projectPage && section === 'contacts'} testId="nav-contacts">
                Contacts
              </NavItem>
              <NavItem to={`${base}/settings`} icon={<IconSettings />} active={projectPage && section === 'settings'} testId="nav-settings">
                Settings
              </NavItem>
              <NavItem to={`${base}/members`} icon={<IconUsers />} active={projectPage && section === 'members'} testId="nav-members">
                Members
              </NavItem>
              {project.role === 'owner' && (
                <NavItem to={`${base}/audit`} icon={<IconList />} active={projectPage && section === 'audit'} testId="nav-audit">
                  Audit log
                </NavItem>
              )}
            </>
          )}
          <div className="nav-label">Workspace</div>
          {me?.user.is_admin && (
            <NavItem to="/users" icon={<IconUserCog />} active={path === '/users'} testId="nav-users">
              Users
            </NavItem>
          )}
          {me?.user.is_admin && (
            <NavItem to="/connectors" icon={<IconPlug />} active={path === '/connectors'} testId="nav-connectors">
              Connectors
            </NavItem>
          )}
          <NavItem to="/tokens" icon={<IconKey />} active={path === '/tokens'} testId="nav-tokens">
            API tokens
          </NavItem>
        </nav>
        <div className="sidebar-footer">
          <LiveIndicator />
          <UserMenu />
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
