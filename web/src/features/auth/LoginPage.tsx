import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api';
import { IconAlert, Logo } from '../../components/Icons';
import { useSession } from './session';

export function LoginPage() {
  const { login, bootError } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  // Failed logins are throttled per email (and per client IP); the wait applies to the email that hit it.
  const [throttledEmail, setThrottledEmail] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [signedOut] = useState(() => new URLSearchParams(location.search).has('signed_out'));

  useEffect(() => {
    if (retryUntil === null) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= retryUntil) setRetryUntil(null);
    }, 500);
    return () => clearInterval(t);
  }, [retryUntil]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiError && err.status === 429 && err.retryAfter !== undefined) {
        setRetryUntil(Date.now() + err.retryAfter * 1000);
        setThrottledEmail(email.trim());
        setNow(Date.now());
      }
      setBusy(false);
    }
  };

  const waitSeconds =
    retryUntil !== null && throttledEmail === email.trim() ? Math.max(0, Math.ceil((retryUntil - now) / 1000)) : 0;

  return (
    <main className="login-screen">
      <div className="login-art" aria-hidden="true">
        <div className="login-art-inner">
          <Logo size={44} />
          <h2>Community marketing, on your own server.</h2>
          <p>Plan campaigns across projects, respect every opt-out, and keep each WhatsApp number healthy.</p>
        </div>
      </div>
      <div className="login-panel">
        <form className="login-card" onSubmit={submit} noValidate>
          <div className="login-brand">
            <Logo size={36} />
            <span>Sangam</span>
          </div>
          <h1>Sign in</h1>
          <p className="muted">Use the account your administrator created for you, or the one you made from an invitation.</p>
          {signedOut && !error && (
            <div className="notice-banner" role="status" data-testid="signed-out">
              You are signed out. Sign in again to continue.
            </div>
          )}
          {bootError && (
            <div className="form-error" role="alert">
              {bootError}
            </div>
          )}
          <div className="field">
            <label className="field-label" htmlFor="login-email">
              Email
            </label>
            <input
              id="login-email"
              name="email"
              type="email"
              className="input"
              autoComplete="username"
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="login-password">
              Password
            </label>
            <input
              id="login-password"
              name="password"
              type="password"
              className="input"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && (
            <div className="form-error" role="alert" data-testid="login-error">
              <IconAlert size={16} />
              <span>{error}</span>
            </div>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || waitSeconds > 0 || !email || !password}>
            {busy ? 'Signing in…' : waitSeconds > 0 ? `Sign in again in ${formatWait(waitSeconds)}` : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

function formatWait(s: number): string {
  const m = Math.floor(s / 60);
  const r = s % 60;
  return m > 0 ? `${m}:${String(r).padStart(2, '0')}` : `${r} s`;
}
