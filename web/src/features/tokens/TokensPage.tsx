import { useState, type FormEvent } from 'react';
import { errorMessage, tokens as tokensApi, type Token } from '../../api';
import { Field, FormError, InlineSubmit, errorFor } from '../../components/Field';
import { IconAlert, IconCopy, IconCheck, IconKey } from '../../components/Icons';
import { ConfirmDialog } from '../../components/Modal';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, TableCard } from '../../components/ui';
import { useToast } from '../../components/Toast';
import { formatDate, relativeTime, serverNow } from '../../components/format';
import { useList } from '../../components/useList';

const EXPIRY_CHOICES: { label: string; days: number | undefined }[] = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never', days: undefined },
];

export function TokensPage() {
  const toast = useToast();
  const { items, error: loadError, load } = useList(tokensApi.list, []);
  const [created, setCreated] = useState<Token | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  const now = serverNow();

  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        subtitle={
          <>
            Tokens let scripts call the Sangam API as you: send <code>Authorization: Bearer sgm_…</code>. They have
            exactly your permissions.
          </>
        }
      />

      {created?.token && <NewTokenPanel token={created} onDone={() => setCreated(null)} />}

      <CreateTokenForm
        onCreated={async (t) => {
          setCreated(t);
          await load();
        }}
      />

      {loadError && <ErrorBanner>{loadError}</ErrorBanner>}

      <TableCard
        items={items}
        title="Your tokens"
        testId="tokens-table"
        empty={<EmptyState title="No tokens yet">Create one above to use the API from a script.</EmptyState>}
        head={
          <>
            <th>Name</th>
            <th>Token</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th className="right">Actions</th>
          </>
        }
        row={(t) => {
          const expired = t.expires_at !== null && new Date(t.expires_at).getTime() < now;
          return (
            <tr key={t.id}>
              <td className="strong">{t.name}</td>
              <td>
                <code className="token-prefix">{t.prefix}…</code>
              </td>
              <td className="muted">{formatDate(t.created_at)}</td>
              <td className="muted" title={t.last_used_at ?? undefined}>
                {t.last_used_at ? relativeTime(t.last_used_at) : 'Never'}
              </td>
              <td>
                {t.expires_at === null ? (
                  <span className="muted">Never</span>
                ) : expired ? (
                  <Badge tone="red">Expired</Badge>
                ) : (
                  <span className="muted">{formatDate(t.expires_at)}</span>
                )}
              </td>
              <td className="right">
                <button type="button" className="btn btn-ghost btn-sm danger-text" onClick={() => setRevoking(t)}>
                  Revoke
                </button>
              </td>
            </tr>
          );
        }}
      />

      {revoking && (
        <ConfirmDialog
          title="Revoke token?"
          danger
          confirmLabel="Revoke"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await tokensApi.revoke(revoking.id);
            if (created?.id === revoking.id) setCreated(null);
            toast(`Token “${revoking.name}” revoked`);
            await load();
          }}
        >
          Scripts using <strong>{revoking.name}</strong> (<code>{revoking.prefix}…</code>) will get 401 Unauthorized from
          now on.
        </ConfirmDialog>
      )}
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (t: Token) => Promise<void> }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState<string>('90');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const t = await tokensApi.create(name.trim(), days ? Number(days) : undefined);
      setName('');
      await onCreated(t);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const nameErr = errorFor(error, 'name');
  const daysErr = errorFor(error, 'expires_in_days');
  const general = error && !nameErr && !daysErr ? errorMessage(error) : null;

  return (
    <Card title="Create a token">
      <form className="inline-form" onSubmit={submit} noValidate data-testid="create-token-form">
        <Field label="Name" name="name" error={nameErr} className="grow">
          {(id) => (
            <input
              id={id}
              className="input"
              placeholder="e.g. CRM import script"
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Expires after" name="expires_in_days" error={daysErr}>
          {(id) => (
            <select id={id} className="select" value={days} onChange={(e) => setDays(e.target.value)}>
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.label} value={c.days === undefined ? '' : String(c.days)}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <InlineSubmit disabled={busy || !name.trim()}>
          <IconKey size={16} /> {busy ? 'Creating…' : 'Create token'}
        </InlineSubmit>
      </form>
      <FormError>{general}</FormError>
    </Card>
  );
}

function NewTokenPanel({ token, onDone }: { token: Token; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const text = token.token ?? '';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Not a secure context (plain http on a LAN address): fall back to a selection copy.
      const ta = document.createElement('textarea');
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="new-token" role="status" data-testid="new-token">
      <div className="new-token-head">
        <IconAlert size={18} />
        <div>
          <strong>Copy your new token “{token.name}” now.</strong> It is shown only this once and cannot be
          retrieved later.
        </div>
      </div>
      <div className="new-token-row">
        <code className="new-token-value" data-testid="new-token-value">
          {token.token}
        </code>
        <button type="button" className="btn btn-secondary" onClick={copy}>
          {copied ? <IconCheck size={16} /> : <IconCopy size={16} />} {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
