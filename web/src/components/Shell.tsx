import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Project } from '../api';
import { useAlerts } from '../features/alerts/context';
import { useSession } from '../features/auth/session';
import { ProjectSwitcher } from '../features/projects/ProjectSwitcher';
import { useLiveState } from '../live';
import { Link } from '../router';
import { IconActivity, IconBell, IconContacts, IconGroups, IconChevronDown, IconHome, IconPhone, IconKey, IconPlug, IconList, IconLogout, IconMenu, IconMegaphone, IconSettings, IconTemplate, IconUserCog, IconUsers, IconX, Logo, IconInbox, IconCalendarClock } from './Icons';
import { Avatar } from './ui';
import { useFocusTrap, useMediaQuery } from './useFocusTrap';

/** Below this width the sidebar is a drawer behind a menu button (styles.css uses the same 900 px). */
const NARROW = '(max-width: 899.98px)';

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
        <>
          <span className="nav-count" data-testid={testId ? `${testId}-count` : undefined} aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
          <span className="sr-only">, {count} open</span>
        </>
      )}
    </Link>
  );
}

function LiveIndicator() {
  const s = useLiveState();
  const label = s === 'open' ? 'Live' : s === 'connecting' ? 'Connecting…' : 'Offline — retrying';
  return (
    <span className={`live live-${s}`} title="Live updates over WebSocket" data-testid="live-indicator">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function UserMenu() {
  const { me, logout } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const btn = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      btn.current?.focus();
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
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
      <button ref={btn} type="button" className="user-button" aria-haspopup="menu" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="user-menu">
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
  const narrow = useMediaQuery(NARROW);
  const [navOpen, setNavOpen] = useState(false);
  const drawer = narrow && navOpen;
  const sidebar = useRef<HTMLElement>(null);
  useFocusTrap(sidebar, drawer);

  // The drawer closes on every navigation, on Escape, and when the window grows past the fold.
  useEffect(() => setNavOpen(false), [path, narrow]);
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // A popup open inside the drawer (project switcher, user menu) takes this Escape; the next one closes the drawer.
      if (sidebar.current?.querySelector('[aria-expanded="true"]')) return;
      setNavOpen(false);
    };
    document.addEventListener('keydown', onKey);
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden'; // the page behind does not scroll under the finger
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.style.overflow = overflow;
    };
  }, [drawer]);
  const alertCount = openAlerts?.length ?? 0;

  return (
    <div className={`app ${drawer ? 'nav-open' : ''}`}>
      <header className="topbar" data-testid="topbar">
        <button
          type="button"
          className="topbar-button"
          aria-label="Open navigation"
          aria-expanded={drawer}
          aria-controls="app-sidebar"
          onClick={() => setNavOpen(true)}
          data-testid="nav-toggle"
        >
          <IconMenu size={22} />
        </button>
        <Link to={base || '/'} className="topbar-brand">
          <Logo size={26} />
          <span className="ellipsis">{project?.name ?? 'Sangam'}</span>
        </Link>
        {project && (
          <Link
            to={`${base}/alerts`}
            className="topbar-button topbar-alerts"
            aria-label={alertCount ? `Alerts: ${alertCount} open` : 'Alerts: none open'}
            data-testid="topbar-alerts"
          >
            <IconBell size={21} />
            {alertCount > 0 && (
              <span className="nav-count" aria-hidden="true">
                {alertCount > 99 ? '99+' : alertCount}
              </span>
            )}
          </Link>
        )}
      </header>
      {drawer && <div className="nav-backdrop" onMouseDown={() => setNavOpen(false)} aria-hidden="true" />}
      <aside
        id="app-sidebar"
        ref={sidebar}
        className="sidebar"
        tabIndex={-1}
        inert={narrow && !navOpen}
        aria-label="Navigation"
        {...(drawer ? { role: 'dialog', 'aria-modal': true } : {})}
        data-testid="sidebar"
      >
        <div className="brand">
          <Logo size={30} />
          <span>Sangam</span>
          {narrow && (
            <button type="button" className="icon-btn sidebar-close" aria-label="Close navigation" onClick={() => setNavOpen(false)} data-testid="nav-close">
              <IconX />
            </button>
          )}
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
              <NavItem to={`${base}/groups`} icon={<IconGroups />} active={projectPage && section === 'groups'} testId="nav-groups">
                Groups
              </NavItem>
              <NavItem to={`${base}/community`} icon={<IconUsers />} active={projectPage && section === 'community'} testId="nav-community">
                Community
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
              <NavItem to={`${base}/inbox`} icon={<IconInbox />} active={projectPage && section === 'inbox'} testId="nav-inbox">
                Inbox
              </NavItem>
              <NavItem to={`${base}/contacts`} icon={<IconContacts />} active={projectPage && section === 'contacts'} testId="nav-contacts">
                Contacts
              </NavItem>
              <NavItem to={`${base}/campaigns`} icon={<IconMegaphone />} active={projectPage && section === 'campaigns'} testId="nav-campaigns">
                Campaigns
              </NavItem>
              <NavItem to={`${base}/templates`} icon={<IconTemplate />} active={projectPage && section === 'templates'} testId="nav-templates">
                Templates
              </NavItem>
              <NavItem to={`${base}/calendar`} icon={<IconCalendarClock />} active={projectPage && section === 'calendar'} testId="nav-calendar">
                Calendar
              </NavItem>
              <NavItem to={`${base}/analytics`} icon={<IconActivity />} active={projectPage && section === 'analytics'} testId="nav-analytics">
                Analytics
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
      <main className="main" id="main">{children}</main>
    </div>
  );
}
