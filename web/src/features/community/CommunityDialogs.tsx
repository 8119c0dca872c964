// Create one of our own groups; invite engaged contacts to it (issue 10 item 3).
import { useEffect, useState } from 'react';
import { ApiError, errorMessage, type Account, type Project } from '../../api';
import { Modal } from '../../components/Modal';
import { formatPhone } from '../accounts/meta';
import { contactsApi, type ContactRow } from '../contacts/api';
import { groupsApi, type Group } from '../groups/api';
import { ownGroupsApi, type OwnGroup } from './api';

const ACTIVE = ['active', 'standby', 'warming', 'cooling'];

type FieldError = { field?: string; message: string } | null;

export function CreateGroupDialog({ project, accounts, onClose, onDone }: { project: Project; accounts: Account[]; onClose: () => void; onDone: (g: OwnGroup) => void }) {
  const active = accounts.filter((a) => ACTIVE.includes(a.status));
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [description, setDescription] = useState('');
  const [account, setAccount] = useState<number | ''>(active[0]?.id ?? '');
  const [community, setCommunity] = useState<number | ''>('');
  const [communities, setCommunities] = useState<Group[]>([]);
  const [announce, setAnnounce] = useState(false);
  const [adminsAdd, setAdminsAdd] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FieldError>(null);
  useEffect(() => {
    groupsApi.list(project.id, { kind: 'community', admin: 'true' }).then((r) => setCommunities(r.items), () => {});
  }, [project.id]);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const g = await ownGroupsApi.create(project.id, {
        name, purpose, description, account_id: account === '' ? 0 : account, ...(community === '' ? {} : { community_id: community }),
        announce_only: announce, admins_add_only: adminsAdd,
      });
      onDone(g);
      onClose();
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const bad = (f: string) => (error?.field === f ? 'invalid' : '');

  return (
    <Modal
      title="Create a group"
      onClose={onClose}
      testId="create-group-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy || !name.trim()} data-testid="create-group-submit">
            {busy ? 'Asking WhatsApp…' : 'Create'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input className={`input ${bad('name')}`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="TN Broiler Farming Best Practices" autoFocus data-testid="create-group-name" />
      </label>
      <label className="field">
        <span className="field-label">Purpose</span>
        <input className={`input ${bad('purpose')}`} value={purpose} maxLength={500} onChange={(e) => setPurpose(e.target.value)} placeholder="What members get from the group" data-testid="create-group-purpose" />
      </label>
      <label className="field">
        <span className="field-label">Description (shown in WhatsApp)</span>
        <textarea className="input" rows={3} value={description} maxLength={2048} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Admin number</span>
        <select className={`select ${bad('account_id')}`} value={account} onChange={(e) => setAccount(e.target.value === '' ? '' : Number(e.target.value))} data-testid="create-group-account">
          {active.length === 0 && <option value="">No active number</option>}
          {active.map((a) => (
            <option key={a.id} value={a.id}>
              {(a.label || formatPhone(a.phone)) + ` · ${a.status}`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">In a community</span>
        <select className={`select ${bad('community_id')}`} value={community} onChange={(e) => setCommunity(e.target.value === '' ? '' : Number(e.target.value))}>
          <option value="">None</option>
          {communities.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field check">
        <input type="checkbox" checked={announce} onChange={(e) => setAnnounce(e.target.checked)} />
        <span>Only admins send messages (announcements)</span>
      </label>
      <label className="field check">
        <input type="checkbox" checked={adminsAdd} onChange={(e) => setAdminsAdd(e.target.checked)} />
        <span>Only admins add members</span>
      </label>
      {error && (
        <div className="field-error" role="alert" data-testid="create-group-error">
          {error.message}
        </div>
      )}
    </Modal>
  );
}

export function InviteDialog({ project, group, onClose, onDone }: { project: Project; group: OwnGroup; onClose: () => void; onDone: (msg: string) => void }) {
  const [rows, setRows] = useState<ContactRow[] | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [method, setMethod] = useState<'link' | 'add'>('link');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FieldError>(null);
  useEffect(() => {
    // Only people who may be written to one-to-one are offered (the core refuses the others anyway).
    Promise.all([contactsApi.search(project.id, { consent: 'opted_in', sort: 'engagement' }), contactsApi.search(project.id, { consent: 'engaged', sort: 'engagement' })]).then(
      ([a, b]) => setRows([...a.items, ...b.items].filter((c) => c.phone).sort((x, y) => y.engagement - x.engagement).slice(0, 60)),
      (e) => setError({ message: errorMessage(e) }),
    );
  }, [project.id]);

  const toggle = (id: number) => setChosen((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await ownGroupsApi.invite(project.id, group.group_id, [...chosen], method);
      onDone(`${r.queued.length} invited${r.refused.length ? `, ${r.refused.length} refused (${r.refused[0].reason})` : ''}`);
      onClose();
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Invite to ${group.name}`}
      onClose={onClose}
      testId="invite-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy || chosen.size === 0} data-testid="invite-submit">
            {busy ? 'Inviting…' : `Invite ${chosen.size || ''}`}
          </button>
        </>
      }
    >
      <fieldset className="field">
        <legend className="field-label">How</legend>
        <label className="check">
          <input type="radio" name="method" checked={method === 'link'} onChange={() => setMethod('link')} /> Send the invite link one-to-one (through the outbox)
        </label>
        <label className="check">
          <input type="radio" name="method" checked={method === 'add'} onChange={() => setMethod('add')} /> Add them directly (paced; the link goes to those whose privacy refuses adds)
        </label>
      </fieldset>
      {rows === null ? (
        <p className="muted small">Loading engaged and opted-in contacts…</p>
      ) : rows.length === 0 ? (
        <p className="muted small">No engaged or opted-in contact with a phone number yet.</p>
      ) : (
        <ul className="invite-pick" data-testid="invite-contacts">
          {rows.map((c) => (
            <li key={c.id}>
              <label className="check">
                <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} />
                <span>{c.name || formatPhone(c.phone ?? "")}</span>
                <span className="muted small">{formatPhone(c.phone ?? "")} · {c.consent.replace('_', ' ')}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error.message}
        </div>
      )}
    </Modal>
  );
}
