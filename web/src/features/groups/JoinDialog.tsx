// Join a group by invite link with one of our numbers; the core applies the daily join limit and
// queues a join beyond it for the next day.
import { useState } from 'react';
import { ApiError, errorMessage, type Account, type Project } from '../../api';
import { Modal } from '../../components/Modal';
import { formatPhone } from '../accounts/meta';
import { groupsApi } from './api';

const LINKED = ['active', 'standby', 'warming', 'cooling'];

export function JoinDialog({
  project,
  accounts,
  onClose,
  onDone,
}: {
  project: Project;
  accounts: Account[];
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const linked = accounts.filter((a) => LINKED.includes(a.status));
  const [account, setAccount] = useState<number | ''>(linked[0]?.id ?? '');
  const [invite, setInvite] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);

  const submit = async () => {
    if (account === '') return setError({ field: 'account', message: 'Choose a linked number.' });
    setBusy(true);
    setError(null);
    try {
      const r = await groupsApi.join(project.id, account, invite);
      onDone(r.status === 'queued' ? (r.message ?? 'Queued for tomorrow') : r.already_member ? 'Already a member of this group' : `Joined ${r.group_name ?? 'the group'}`);
      onClose();
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Join a group by invite link"
      onClose={onClose}
      testId="join-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy || !invite.trim()} data-testid="join-submit">
            {busy ? 'Asking WhatsApp…' : 'Join'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">Number</span>
        <select className="select" value={account} onChange={(e) => setAccount(e.target.value === '' ? '' : Number(e.target.value))}>
          {linked.length === 0 && <option value="">No linked number</option>}
          {linked.map((a) => (
            <option key={a.id} value={a.id}>
              {(a.label || formatPhone(a.phone)) + ` · ${a.status}`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Invite link</span>
        <input
          className={`input ${error?.field === 'invite' ? 'invalid' : ''}`}
          placeholder="https://chat.whatsapp.com/…"
          value={invite}
          onChange={(e) => setInvite(e.target.value)}
          autoFocus
          data-testid="join-invite"
        />
        <span className="field-hint">Each number joins at most a few groups a day (project setting); further joins wait for the next day.</span>
      </label>
      {error && (
        <div className="field-error" role="alert" data-testid="join-error">
          {error.message}
        </div>
      )}
    </Modal>
  );
}
