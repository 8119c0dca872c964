import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Outlet, ScrollRestoration, useParams, type RouteObject } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { QueryClientProvider } from '@tanstack/react-query';
import type { Project } from './api';
import { EmptyState, PageLoading } from './components/ui';
import { Shell } from './components/Shell';
import { ToastProvider } from './components/Toast';
import { queryClient, useLiveInvalidation } from './components/query';
import { AlertsProvider } from './features/alerts/context';
import { SessionProvider, useSession } from './features/auth/session';
import { ProjectsProvider, lastProject, rememberProject, useProjects } from './features/projects/context';
import { useProjectSubscription } from './live';
import { bindRouter, Link, match, navigate, usePath } from './router';
import { live } from './ws';

// Every page is its own chunk, fetched when its route is first shown: the first page of a visit loads
// the shell and that page only (docs/performance.md has the sizes).
function page<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return Object.assign(lazy(async () => ({ default: (await load())[name] as M[K] & ComponentType<any> })), { preload: load });
}
const LoginPage = page(() => import('./features/auth/LoginPage'), 'LoginPage');
const InvitePage = page(() => import('./features/auth/InvitePage'), 'InvitePage');
const AccountsPage = page(() => import('./features/accounts/AccountsPage'), 'AccountsPage');
const GroupsPage = page(() => import('./features/groups/GroupsPage'), 'GroupsPage');
const ContactsPage = page(() => import('./features/contacts/ContactsPage'), 'ContactsPage');
const AlertsPage = page(() => import('./features/alerts/AlertsPage'), 'AlertsPage');
const AuditPage = page(() => import('./features/audit/AuditPage'), 'AuditPage');
const ConnectorsPage = page(() => import('./features/connectors/ConnectorsPage'), 'ConnectorsPage');
const MembersPage = page(() => import('./features/members/MembersPage'), 'MembersPage');
const NewProjectPage = page(() => import('./features/projects/NewProjectPage'), 'NewProjectPage');
const OverviewPage = page(() => import('./features/projects/OverviewPage'), 'OverviewPage');
const SettingsPage = page(() => import('./features/projects/SettingsPage'), 'SettingsPage');
const TokensPage = page(() => import('./features/tokens/TokensPage'), 'TokensPage');
const UsersPage = page(() => import('./features/users/UsersPage'), 'UsersPage');
const CampaignsPage = page(() => import('./features/campaigns/CampaignsPage'), 'CampaignsPage');
const CampaignPage = page(() => import('./features/campaigns/CampaignPage'), 'CampaignPage');
const CampaignBuilderPage = page(() => import('./features/campaigns/CampaignBuilder'), 'CampaignBuilderPage');
const TemplatesPage = page(() => import('./features/campaigns/TemplatesPage'), 'TemplatesPage');
const TemplateEditPage = page(() => import('./features/campaigns/TemplatesPage'), 'TemplateEditPage');
const AnalyticsPage = page(() => import('./features/analytics/AnalyticsPage'), 'AnalyticsPage');
const InboxPage = page(() => import('./features/inbox/InboxPage'), 'InboxPage');
const CommunityPage = page(() => import('./features/community/CommunityPage'), 'CommunityPage');
const CalendarPage = page(() => import('./features/calendar/CalendarPage'), 'CalendarPage');

// The page of the address the tab opens with is fetched at once, alongside the session and project
// requests, instead of after them (a waterfall of one more round trip before the first page shows).
function preloadFirstPage(path: string): void {
  const m = /^\/projects\/(\d+)(?:\/([a-z]+))?\/?$/.exec(path);
  const projectPages: Record<string, { preload: () => Promise<unknown> }> = {
    '': OverviewPage,
    accounts: AccountsPage,
    alerts: AlertsPage,
    settings: SettingsPage,
    members: MembersPage,
    audit: AuditPage,
    groups: GroupsPage,
    community: CommunityPage,
    contacts: ContactsPage,
    campaigns: CampaignsPage,
    templates: TemplatesPage,
    analytics: AnalyticsPage,
    inbox: InboxPage,
    calendar: CalendarPage,
  };
  const other: Record<string, { preload: () => Promise<unknown> }> = {
    '/projects/new': NewProjectPage,
    '/tokens': TokensPage,
    '/users': UsersPage,
    '/connectors': ConnectorsPage,
  };
  const target = m ? projectPages[m[2] ?? ''] : path === '/' ? OverviewPage : other[path];
  void target?.preload().catch(() => {}); // a failed preload is retried by the lazy route itself
}
preloadFirstPage(location.pathname);

/** A project page: the project of the URL, or "not found" (unknown id, not a member, owner-only page). */
function ProjectPage({ render, ownerOnly }: { render: (p: Project) => ReactNode; ownerOnly?: string }) {
  const { id } = useParams();
  const { byId, error } = useProjects();
  const project = id && /^\d+$/.test(id) ? byId(Number(id)) : undefined;
  if (!project) return <NotFound text={error ?? 'This project does not exist, or you are not a member of it.'} />;
  if (ownerOnly && project.role !== 'owner') return <NotFound text={ownerOnly} />;
  return <>{render(project)}</>;
}

/** A page of one numbered thing (":cid" in the address); anything but a number is "not found". */
function WithId({ name, render }: { name: string; render: (id: number) => ReactNode }) {
  const v = useParams()[name];
  if (!v || !/^\d+$/.test(v)) return <NotFound />;
  return <>{render(Number(v))}</>;
}

function AdminOnly({ text, children }: { text: string; children: ReactNode }) {
  const { me } = useSession();
  return me?.user.is_admin ? <>{children}</> : <NotFound text={text} />;
}

const routes: RouteObject[] = [
  {
    element: <Root />,
    children: [
      { path: '/', element: <PageLoading /> },
      { path: '/login', element: <PageLoading /> },
      { path: '/projects/new', element: <NewProjectPage /> },
      { path: '/tokens', element: <TokensPage /> },
      { path: '/users', element: <AdminOnly text="Only administrators can manage users."><UsersPage /></AdminOnly> },
      {
        path: '/connectors',
        element: <AdminOnly text="Only administrators can see the connectors."><ConnectorsPage /></AdminOnly>,
      },
      {
        path: '/projects/:id',
        children: [
          { index: true, element: <ProjectPage render={(p) => <OverviewPage project={p} />} /> },
          { path: 'accounts', element: <ProjectPage render={(p) => <AccountsPage key={p.id} project={p} />} /> },
          { path: 'groups', element: <ProjectPage render={(p) => <GroupsPage key={p.id} project={p} />} /> },
          { path: 'community', element: <ProjectPage render={(p) => <CommunityPage key={p.id} project={p} />} /> },
          { path: 'contacts', element: <ProjectPage render={(p) => <ContactsPage key={p.id} project={p} />} /> },
          { path: 'campaigns', element: <ProjectPage render={(p) => <CampaignsPage key={p.id} project={p} />} /> },
          { path: 'campaigns/new', element: <ProjectPage render={(p) => <CampaignBuilderPage key={p.id} project={p} campaignId={null} />} /> },
          { path: 'campaigns/:cid', element: <ProjectPage render={(p) => <WithId name="cid" render={(id) => <CampaignPage key={`${p.id}-${id}`} project={p} campaignId={id} />} />} /> },
          { path: 'campaigns/:cid/edit', element: <ProjectPage render={(p) => <WithId name="cid" render={(id) => <CampaignBuilderPage key={`${p.id}-${id}`} project={p} campaignId={id} />} />} /> },
          { path: 'templates', element: <ProjectPage render={(p) => <TemplatesPage key={p.id} project={p} />} /> },
          { path: 'templates/new', element: <ProjectPage render={(p) => <TemplateEditPage key={p.id} project={p} templateId={null} />} /> },
          { path: 'templates/:tid', element: <ProjectPage render={(p) => <WithId name="tid" render={(id) => <TemplateEditPage key={`${p.id}-${id}`} project={p} templateId={id} />} />} /> },
          { path: 'analytics', element: <ProjectPage render={(p) => <AnalyticsPage key={p.id} project={p} />} /> },
          { path: 'inbox', element: <ProjectPage render={(p) => <InboxPage key={p.id} project={p} />} /> },
          { path: 'calendar', element: <ProjectPage render={(p) => <CalendarPage key={p.id} project={p} />} /> },
          { path: 'alerts', element: <ProjectPage render={(p) => <AlertsPage key={p.id} project={p} />} /> },
          { path: 'settings', element: <ProjectPage render={(p) => <SettingsPage project={p} />} /> },
          { path: 'members', element: <ProjectPage render={(p) => <MembersPage project={p} />} /> },
          {
            path: 'audit',
            element: <ProjectPage ownerOnly="Only project owners can read the audit log." render={(p) => <AuditPage project={p} />} />,
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];

const router = createBrowserRouter(routes);
bindRouter(router);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}

function Root() {
  const { me } = useSession();
  const signedIn = !!me;
  const invite = usePath() === '/invite'; // issue 13: accepting an invitation, signed in or not

  // One WebSocket while signed in; closed on sign-out. Signing out also drops every cached list.
  useEffect(() => {
    if (!signedIn) return;
    live.start();
    return () => {
      live.stop();
      queryClient.clear();
    };
  }, [signedIn]);

  let body: ReactNode;
  if (invite)
    body = (
      <Suspense fallback={<PageLoading />}>
        <InvitePage />
      </Suspense>
    );
  else if (me === undefined) body = <PageLoading />;
  else if (me === null)
    body = (
      <Suspense fallback={<PageLoading />}>
        <LoginPage />
      </Suspense>
    );
  else
    body = (
      <ProjectsProvider key={me.user.id}>
        <SignedIn />
      </ProjectsProvider>
    );
  return (
    <>
      <ScrollRestoration />
      {body}
    </>
  );
}

const PROJECT_SECTIONS = ['', 'accounts', 'groups', 'community', 'contacts', 'inbox', 'campaigns', 'templates', 'calendar', 'analytics', 'alerts', 'settings', 'members', 'audit'];

function SignedIn() {
  const path = usePath();
  const { list, byId } = useProjects();
  useLiveInvalidation();

  const pm = match('/projects/:id', path) ?? match('/projects/:id/:section', path) ?? match('/projects/:id/:section/*', path);
  const projectId = pm && /^\d+$/.test(pm.id) ? Number(pm.id) : null;
  const section = pm && PROJECT_SECTIONS.includes(pm.section ?? '') ? (pm.section ?? '') : '';
  const project = projectId !== null ? byId(projectId) : undefined;

  // The project shown in the sidebar on non-project pages: the last one used.
  const remembered = lastProject();
  const sidebarProject = project ?? (remembered !== null ? byId(remembered) : undefined) ?? list?.[0];

  useProjectSubscription(sidebarProject?.id ?? null);

  useEffect(() => {
    if (project) rememberProject(project.id);
  }, [project]);

  // "/" and "/login" lead to the last project, the first one, or the creation page.
  useEffect(() => {
    if (list === undefined) return;
    if (path === '/' || path === '/login' || path === '') {
      const target = sidebarProject ? `/projects/${sidebarProject.id}` : '/projects/new';
      navigate(target, { replace: true });
    }
  }, [path, list, sidebarProject]);

  useEffect(() => {
    const name = project?.name;
    document.title = name ? `${name} · Sangam` : 'Sangam';
  }, [project?.name]);

  return (
    <AlertsProvider projectId={sidebarProject?.id ?? null}>
      <Shell project={sidebarProject} section={section} path={path}>
        {list === undefined ? (
          <PageLoading />
        ) : (
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        )}
      </Shell>
    </AlertsProvider>
  );
}

function NotFound({ text }: { text?: string }) {
  return (
    <div className="page">
      <EmptyState title="Page not found" action={<Link to="/" className="btn btn-secondary">Go to the dashboard</Link>}>
        {text ?? 'There is nothing at this address.'}
      </EmptyState>
    </div>
  );
}
