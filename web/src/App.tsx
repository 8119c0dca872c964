import { useEffect, type ReactNode } from 'react';
import { EmptyState, PageLoading } from './components/ui';
import { Shell } from './components/Shell';
import { ToastProvider } from './components/Toast';
import { AccountsPage } from './features/accounts/AccountsPage';
import { AlertsPage } from './features/alerts/AlertsPage';
import { AlertsProvider } from './features/alerts/context';
import { AuditPage } from './features/audit/AuditPage';
import { ConnectorsPage } from './features/connectors/ConnectorsPage';
import { LoginPage } from './features/auth/LoginPage';
import { SessionProvider, useSession } from './features/auth/session';
import { MembersPage } from './features/members/MembersPage';
import { ContactsPage } from './features/contacts/ContactsPage';
import { NewProjectPage } from './features/projects/NewProjectPage';
import { OverviewPage } from './features/projects/OverviewPage';
import { SettingsPage } from './features/projects/SettingsPage';
import { ProjectsProvider, lastProject, rememberProject, useProjects } from './features/projects/context';
import { TokensPage } from './features/tokens/TokensPage';
import { UsersPage } from './features/users/UsersPage';
import { useProjectSubscription } from './live';
import { Link, match, navigate, usePath } from './router';
import { live } from './ws';

export function App() {
  return (
    <ToastProvider>
      <SessionProvider>
        <Root />
      </SessionProvider>
    </ToastProvider>
  );
}

function Root() {
  const { me } = useSession();
  const signedIn = !!me;

  // One WebSocket while signed in; closed on sign-out.
  useEffect(() => {
    if (!signedIn) return;
    live.start();
    return () => live.stop();
  }, [signedIn]);

  if (me === undefined) return <PageLoading />;
  if (me === null) return <LoginPage />;
  return (
    <ProjectsProvider key={me.user.id}>
      <SignedIn />
    </ProjectsProvider>
  );
}

const PROJECT_SECTIONS = ['', 'accounts', 'alerts', 'settings', 'members', 'audit', 'contacts'];

function SignedIn() {
  const path = usePath();
  const { list, byId, error } = useProjects();
  const { me } = useSession();

  const pm = match('/projects/:id', path) ?? match('/projects/:id/:section', path);
  const projectId = pm && /^\d+$/.test(pm.id) ? Number(pm.id) : null;
  const section = pm?.section ?? '';
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

  let page: ReactNode;
  if (list === undefined) page = <PageLoading />;
  else if (path === '/projects/new') page = <NewProjectPage />;
  else if (path === '/tokens') page = <TokensPage />;
  else if (path === '/users')
    page = me?.user.is_admin ? <UsersPage /> : <NotFound text="Only administrators can manage users." />;
  else if (path === '/connectors')
    page = me?.user.is_admin ? <ConnectorsPage /> : <NotFound text="Only administrators can see the connectors." />;
  else if (pm && PROJECT_SECTIONS.includes(section)) {
    if (!project) page = <NotFound text={error ?? 'This project does not exist, or you are not a member of it.'} />;
    else if (section === '') page = <OverviewPage project={project} />;
    else if (section === 'accounts') page = <AccountsPage key={project.id} project={project} />;
    else if (section === 'alerts') page = <AlertsPage key={project.id} project={project} />;
    else if (section === 'settings') page = <SettingsPage project={project} />;
    else if (section === 'members') page = <MembersPage project={project} />;
    else if (section === 'contacts') page = <ContactsPage key={project.id} project={project} />;
    else if (project.role === 'owner') page = <AuditPage project={project} />;
    else page = <NotFound text="Only project owners can read the audit log." />;
  } else if (path === '/' || path === '/login') page = <PageLoading />;
  else page = <NotFound />;

  return (
    <AlertsProvider projectId={sidebarProject?.id ?? null}>
      <Shell project={sidebarProject} section={section} path={path}>
        {page}
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
