import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage, users as usersApi, type User } from '../../api';
import { Field, FormError, errorFor } from '../../components/Field';
import { IconEdit, IconPlus, IconTrash } from '../../components/Icons';
import { ConfirmDialog, FormFooter, Modal } from '../../components/Modal';
import { Badge, EmptyState, ErrorBanner, PageHeader, PersonCell, TableCard } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDate } from '../../components/format';
import { useList } from '../../components/useList';
import { useSubmit } from '../../components/useSubmit';
import { useMe } from '../auth/session';

export function UsersPage() {
  const me = useMe();
  const toast = useToast();
  const { items, error, setError, load } = useList(usersApi.list, []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const toggleDisabled = async (u: User) => {
    setError(null);
    try {
      await usersApi.update(u.id, { disabled: !u.disabled });
      toast(u.disabled ? `${u.email} enabled` : `${u.email} disabled`);
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Users"
        subtitle="Everyone who can sign in to this Sangam server. Project access is granted per project under Members."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <IconPlus size={16} /> New user
          </button>
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <TableCard
        items={items}
        testId="users-table"
        empty={<EmptyState title="No users" />}
        head={
          <>
            <th>User</th>
            <th>Access</th>
            <th>Status</th>
            <th>Created</th>
            <th className="right">Actions</th>
          </>
        }
        row={(u) => (
          <tr key={u.id} className={u.disabled ? 'row-muted' : ''}>
            <td>
              <PersonCell
                avatar={u.name || u.email}
                name={u.name}
                you={u.id === me.user.id}
                sub={
                  <>
                    {u.email} · id {u.id}
                  </>
                }
              />
            </td>
            <td>{u.is_admin ? <Badge tone="amber">Administrator</Badge> : <Badge>User</Badge>}</td>
            <td>
              <Badge tone={u.disabled ? 'red' : 'green'} dot>
                {u.disabled ? 'Disabled' : 'Active'}
              </Badge>
            </td>
            <td className="muted">{formatDate(u.created_at)}</td>
            <td className="right nowrap">
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(u)}>
                <IconEdit size={15} /> Edit
              </button>
              {u.id !== me.user.id && (
                <>
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggleDisabled(u)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm danger-text"
                    onClick={() => setDeleting(u)}
                    aria-label={`Delete ${u.email}`}
                  >
                    <IconTrash size={15} />
                  </button>
                </>
              )}
            </td>
          </tr>
        )}
      />

      {(creating || editing) && (
        <UserDialog
          user={editing ?? undefined}
          isSelf={editing?.id === me.user.id}
          onClose={() => (editing ? setEditing(null) : setCreating(false))}
          onSaved={async (u) => {
            toast(`User ${u.email} ${editing ? 'saved' : 'created'}`);
            await load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete user?"
          danger
          confirmLabel="Delete user"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await usersApi.remove(deleting.id);
            toast(`User ${deleting.email} deleted`);
            await load();
          }}
        >
          <strong>{deleting.email}</strong> will be deleted and can no longer sign in. To block access but keep the
          account, disable it instead.
        </ConfirmDialog>
      )}
    </div>
  );
}

function UserDialog({
  user,
  isSelf,
  onClose,
  onSaved,
}: {
  user?: User;
  isSelf?: boolean;
  onClose: () => void;
  onSaved: (u: User) => Promise<void>;
}) {
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(user?.is_admin ?? false);
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const { busy, error, setError, run } = useSubmit();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    await run(async () => {
      let saved: User;
      if (user) {
        const patch: Record<string, unknown> = {};
        if (name !== user.name) patch.name = name;
        if (password) patch.password = password;
        if (isAdmin !== user.is_admin) patch.is_admin = isAdmin;
        if (disabled !== user.disabled) patch.disabled = disabled;
        saved = Object.keys(patch).length ? await usersApi.update(user.id, patch) : user;
      } else {
        saved = await usersApi.create({ email: email.trim(), name: name.trim(), password, is_admin: isAdmin });
      }
      await onSaved(saved);
      onClose();
    });
  };

  const general = error && !(error instanceof ApiError && error.field) ? errorMessage(error) : null;

  return (
    <Modal
      title={user ? `Edit ${user.email}` : 'New user'}
      onClose={onClose}
      footer={<FormFooter form="user-form" busy={busy} onCancel={onClose} label={user ? 'Save' : 'Create user'} />}
    >
      <form id="user-form" onSubmit={submit} noValidate className="stack">
        <FormError>{general}</FormError>
        <Field label="Email" name="email" error={errorFor(error, 'email')} hint={user ? 'The email cannot be changed.' : undefined}>
          {(id) => (
            <input
              id={id}
              type="email"
              className="input"
              value={email}
              disabled={!!user}
              autoFocus={!user}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Name" name="name" error={errorFor(error, 'name')}>
          {(id) => <input id={id} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field
          label={user ? 'New password' : 'Password'}
          name="password"
          error={errorFor(error, 'password')}
          hint={user ? 'Leave empty to keep the current password. At least 10 characters.' : 'At least 10 characters.'}
        >
          {(id) => (
            <input
              id={id}
              type="password"
              className="input"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <label className={`checkbox ${isSelf ? 'disabled' : ''}`}>
          <input type="checkbox" checked={isAdmin} disabled={isSelf} onChange={(e) => setIsAdmin(e.target.checked)} />
          <span>
            <strong>Administrator</strong>
            <span className="muted small block">Manages users and sees every project as an owner.</span>
          </span>
        </label>
        {errorFor(error, 'is_admin') && <div className="field-error">{errorFor(error, 'is_admin')}</div>}
        {user && !isSelf && (
          <label className="checkbox">
            <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} />
            <span>
              <strong>Disabled</strong>
              <span className="muted small block">A disabled user can no longer sign in.</span>
            </span>
          </label>
        )}
      </form>
    </Modal>
  );
}
