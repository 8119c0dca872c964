import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  ApiError,
  ROLES,
  errorMessage,
  invitations as invitationsApi,
  members as membersApi,
  users as usersApi,
  type Invitation,
  type Member,
  type Project,
  type Role,
  type User,
} from '../../api';
import { FormError, InlineSubmit } from '../../components/Field';
import { ConfirmDialog } from '../../components/Modal';
import { IconTrash } from '../../components/Icons';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PersonCell, RoleBadge, TableCard, roleLabel } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDate, formatDateTime } from '../../components/format';
import { useList } from '../../components/useList';
import { useLiveEvents } from '../../live';
import { useMe } from '../auth/session';
import { can } from '../projects/context';

const roleHelp: Record<Role, string> = {
  owner: 'Full control: settings, members, audit log, deletion.',
  manager: 'Runs the day-to-day work; cannot change settings or members.',
  viewer: 'Read-only access.',
};

export function MembersPage({ project }: { project: Project }) {
  const me = useMe();
  const toast = useToast();
  const manage = can(project).manageMembers;
  const { items, error: loadError, load } = useList(() => membersApi.list(project.id), [project.id]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [invVersion, setInvVersion] = useState(0);

  useLiveEvents((ev) => {
    if (ev.project_id === project.id && ev.event.startsWith('member.')) void load();
  });

  const changeRole = async (m: Member, role: Role) => {
    setActionError(null);
    try {
      await membersApi.put(project.id, m.user_id, role);
      toast(`${m.name || m.email} is now ${roleLabel(role)}`);
      await load();
    } catch (e) {
      setActionError(errorMessage(e));
      await load();
    }
  };

  return (
    <div className="page">
      <PageHeader title="Members" subtitle={`People who can work on ${project.name}, and what they may do.`} />

      {manage && <AddMember project={project} existing={items ?? []} onAdded={load} onInvited={() => setInvVersion((v) => v + 1)} />}
      {manage && <Invitations project={project} version={invVersion} />}

      {actionError && <ErrorBanner title="Could not change the member.">{actionError}</ErrorBanner>}
      {loadError && <ErrorBanner>{loadError}</ErrorBanner>}

      <TableCard
        items={items}
        title={`${items?.length ?? ''} ${items?.length === 1 ? 'member' : 'members'}`}
        testId="members-table"
        empty={<EmptyState title="No members" />}
        head={
          <>
            <th>Member</th>
            <th>Role</th>
            <th>Added</th>
            {manage && <th className="right">Actions</th>}
          </>
        }
        row={(m) => (
          <tr key={m.user_id}>
            <td>
              <PersonCell avatar={m.name || m.email} name={m.name || m.email} you={m.user_id === me.user.id} sub={m.email} />
            </td>
            <td>
              {manage ? (
                <select
                  className="select select-sm"
                  value={m.role}
                  aria-label={`Role of ${m.email}`}
                  onChange={(e) => void changeRole(m, e.target.value as Role)}
                >
                  <RoleOptions />
                </select>
              ) : (
                <RoleBadge role={m.role} />
              )}
            </td>
            <td className="muted">{formatDate(m.added_at)}</td>
            {manage && (
              <td className="right">
                <button
                  type="button"
                  className="btn btn-ghost btn-sm danger-text"
                  onClick={() => setRemoving(m)}
                  aria-label={`Remove ${m.email}`}
                >
                  <IconTrash size={15} /> Remove
                </button>
              </td>
            )}
          </tr>
        )}
      />

      <div className="role-legend">
        {ROLES.map((r) => (
          <div key={r}>
            <RoleBadge role={r} /> <span className="muted small">{roleHelp[r]}</span>
          </div>
        ))}
      </div>

      {removing && (
        <ConfirmDialog
          title="Remove member?"
          danger
          confirmLabel="Remove"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await membersApi.remove(project.id, removing.user_id);
            toast(`${removing.name || removing.email} removed`);
            await load();
          }}
        >
          <strong>{removing.name || removing.email}</strong> will lose access to {project.name} at once.
        </ConfirmDialog>
      )}
    </div>
  );
}

function AddMember({
  project,
  existing,
  onAdded,
  onInvited,
}: {
  project: Project;
  existing: Member[];
  onAdded: () => Promise<void>;
  onInvited: () => void;
}) {
  const me = useMe();
  const toast = useToast();
  const isAdmin = me.user.is_admin;
  // Administrators may see every user, so their email field suggests them; others type the email.
  const [allUsers, setAllUsers] = useState<User[] | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('manager');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The email has no Sangam account yet: offer an invitation link instead (issue 13 item 5).
  const [noAccount, setNoAccount] = useState<string | null>(null);
  const [created, setCreated] = useState<Invitation | null>(null);

  const invite = async (address: string) => {
    setBusy(true);
    setError(null);
    try {
      const inv = await invitationsApi.create(project.id, address, role);
      setCreated(inv);
      setNoAccount(null);
      setEmail('');
      onInvited();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!isAdmin) return;
    usersApi.list().then(
      (r) => setAllUsers(r.items),
      () => setAllUsers(null),
    );
  }, [isAdmin]);

  const candidates = useMemo(() => {
    const taken = new Set(existing.map((m) => m.user_id));
    return (allUsers ?? []).filter((u) => !taken.has(u.id) && !u.disabled);
  }, [allUsers, existing]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNoAccount(null);
    setCreated(null);
    const address = email.trim();
    if (!address.includes('@')) {
      setError('Enter the email address the person signs in with.');
      return;
    }
    setBusy(true);
    try {
      const m = await membersApi.add(project.id, address, role);
      toast(`${m.name || m.email} added as ${roleLabel(role)}`);
      setEmail('');
      await onAdded();
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.field === 'email') {
        setNoAccount(address);
      } else if (err instanceof ApiError && err.status === 409) {
        setError('This person is already a member; change their role in the table below.');
      } else {
        setError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Add a member" subtitle="Add a colleague by the email they sign in with, or invite someone who has no Sangam account yet.">
      <form className="inline-form" onSubmit={submit} data-testid="add-member-form">
        <div className="field grow">
          <label className="field-label" htmlFor="member-email">
            Email
          </label>
          <input
            id="member-email"
            className="input"
            type="email"
            autoComplete="off"
            placeholder="name@example.com"
            list={candidates.length ? 'member-candidates' : undefined}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          {candidates.length > 0 && (
            <datalist id="member-candidates">
              {candidates.map((u) => (
                <option key={u.id} value={u.email}>
                  {u.name}
                </option>
              ))}
            </datalist>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="member-role">
            Role
          </label>
          <select id="member-role" className="select" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </select>
        </div>
        <InlineSubmit disabled={busy || !email.trim()}>{busy ? 'Adding…' : 'Add member'}</InlineSubmit>
      </form>
      <FormError>{error}</FormError>
      {noAccount && (
        <div className="banner banner-info" role="status" data-testid="no-account">
          <div>
            No one has a Sangam account with <strong>{noAccount}</strong> yet. Invite them: you get a link to send them,
            and they choose their own password.
            <div className="alert-actions">
              <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void invite(noAccount)} data-testid="invite-button">
                Invite {noAccount} as {roleLabel(role)}
              </button>
            </div>
          </div>
        </div>
      )}
      {created && <InviteLink invitation={created} />}
    </Card>
  );
}

/** The link of a new invitation, shown once: only its hash is kept on the server. */
function InviteLink({ invitation }: { invitation: Invitation }) {
  const toast = useToast();
  const url = `${location.origin}/invite#${invitation.token}`;
  return (
    <div className="banner banner-success" role="status" data-testid="invite-created">
      <div style={{ width: '100%' }}>
        <strong>Invitation for {invitation.email} as {roleLabel(invitation.role)} created.</strong> Send them this link; it
        works once, until {formatDateTime(invitation.expires_at)}. Copy it now: it is shown only this once.
        <div className="invite-link">
          <input className="input mono" readOnly value={url} aria-label="Invitation link" data-testid="invite-url" onFocus={(e) => e.target.select()} />
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={() =>
              void navigator.clipboard.writeText(url).then(
                () => toast('Link copied'),
                () => toast('Could not copy; select the link and copy it by hand', 'error'),
              )
            }
          >
            Copy link
          </button>
        </div>
      </div>
    </div>
  );
}

const stateTone: Record<Invitation['state'], 'green' | 'amber' | 'gray' | 'blue'> = {
  pending: 'blue',
  accepted: 'green',
  expired: 'amber',
  revoked: 'gray',
};
const stateLabel: Record<Invitation['state'], string> = {
  pending: 'Waiting',
  accepted: 'Accepted',
  expired: 'Expired',
  revoked: 'Withdrawn',
};

function Invitations({ project, version }: { project: Project; version: number }) {
  const toast = useToast();
  const { items, error, load } = useList(() => invitationsApi.list(project.id), [project.id, version]);
  if (!items?.length && !error) return null;
  return (
    <TableCard
      items={items}
      title="Invitations"
      testId="invitations-table"
      empty={<EmptyState title="No invitations" />}
      head={
        <>
          <th>Email</th>
          <th>Role</th>
          <th>State</th>
          <th>Expires</th>
          <th className="right">Actions</th>
        </>
      }
      row={(i) => (
        <tr key={i.id} data-invitation={i.email}>
          <td>{i.email}</td>
          <td>
            <RoleBadge role={i.role} />
          </td>
          <td>
            <Badge tone={stateTone[i.state]}>{stateLabel[i.state]}</Badge>
          </td>
          <td className="muted nowrap">{i.state === 'pending' ? formatDateTime(i.expires_at) : '—'}</td>
          <td className="right">
            {i.state === 'pending' && (
              <button
                type="button"
                className="btn btn-ghost btn-sm danger-text"
                onClick={() =>
                  void invitationsApi.revoke(project.id, i.id).then(
                    () => {
                      toast(`Invitation for ${i.email} withdrawn`);
                      void load();
                    },
                    (e) => toast(errorMessage(e), 'error'),
                  )
                }
              >
                Withdraw
              </button>
            )}
          </td>
        </tr>
      )}
    />
  );
}

function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {roleLabel(r)}
    </option>
  ));
}
