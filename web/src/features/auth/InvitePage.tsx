// Accepting an invitation (issue 13 item 5): /invite#<token>. The token is in the fragment, so it
// never reaches the server's access log or another site's Referer; the page posts it in a body.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, invitations, type Invitation } from '../../api';
import { Logo } from '../../components/Icons';
import { Field } from '../../components/Field';
import { roleLabel } from '../../components/ui';
import { formatDateTime } from '../../components/format';
import { navigate } from '../../router';
import { useSession } from './session';

type Looked = (Invitation & { project_name: string }) | { error: string } | null;

export function InvitePage() {
  const { login } = useSession();
  const [token] = useState(() => decodeURIComponent(location.hash.replace(/^#/, '')));
  const [inv, setInv] = useState<Looked>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!token) {
      setInv({ error: 'This invitation link is incomplete. Open the whole link you were sent.' });
      return;
    }
    invitations.lookup(token).then(setInv, (e) => setInv({ error: errorMessage(e) }));
  }, [token]);

  const problems: Record<string, string> = {};
  if (password && password.length < 10) problems.password = 'Password must be at least 10 characters';
  if (again && again !== password) problems.again = 'The two passwords are not the same';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!inv || 'error' in inv) return;
    if (!name.trim() || password.length < 10 || again !== password) {
      setError(new ApiError(400, 'validation_failed', 'Fill in your name and the same password of at least 10 characters twice.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await invitations.accept(token, name.trim(), password);
      history.replaceState(null, '', '/'); // the token is spent: do not keep it in the address bar
      await login(inv.email, password);
      navigate(`/projects/${r.project_id}`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fieldErr = (f: string) => (error instanceof ApiError && error.field === f ? error.message : null) ?? problems[f] ?? null;
  const general = error && !(error instanceof ApiError && (error.field === 'name' || error.field === 'password')) ? errorMessage(error) : null;

  return (
    <main className="login-screen">
      <div className="login-art" aria-hidden="true">
        <div className="login-art-inner">
          <Logo size={44} />
          <h2>Community marketing, on your own server.</h2>
        </div>
      </div>
      <div className="login-panel">
        <form className="login-card" onSubmit={submit} noValidate data-testid="invite-form">
          <div className="login-brand">
            <Logo size={36} />
            <span>Sangam</span>
          </div>
          {inv === null ? (
            <p className="muted">Checking the invitation…</p>
          ) : 'error' in inv ? (
            <>
              <h1>Invitation not usable</h1>
              <div className="form-error" role="alert" data-testid="invite-error">
                {inv.error}
              </div>
              <a className="btn btn-secondary btn-block" href="/login">
                Go to sign in
              </a>
            </>
          ) : (
            <>
              <h1>Join {inv.project_name}</h1>
              <p className="muted" data-testid="invite-summary">
                You are invited as <strong>{roleLabel(inv.role)}</strong> with the email <strong>{inv.email}</strong>
                {inv.invited_by ? ` by ${inv.invited_by}` : ''}. The invitation is valid until {formatDateTime(inv.expires_at)}.
              </p>
              <Field label="Your name" name="name" error={fieldErr('name')} hint="How your colleagues see you.">
                {(id) => <input id={id} name="name" className="input" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />}
              </Field>
              <Field label="Choose a password" name="password" error={fieldErr('password')} hint="At least 10 characters.">
                {(id) => (
                  <input id={id} name="password" type="password" className="input" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
                )}
              </Field>
              <Field label="Type it again" name="again" error={fieldErr('again')}>
                {(id) => (
                  <input id={id} name="again" type="password" className="input" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
                )}
              </Field>
              {general && (
                <div className="form-error" role="alert" data-testid="invite-error">
                  {general}
                </div>
              )}
              <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="accept-invite">
                {busy ? 'Joining…' : `Join ${inv.project_name}`}
              </button>
            </>
          )}
        </form>
      </div>
    </main>
  );
}
