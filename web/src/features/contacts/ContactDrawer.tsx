// One contact: consent and its history with evidence, groups, engagement, queued messages; a manager
// can record an opt-out, an opt-in with evidence, or erase the contact.
import { useEffect, useState } from 'react';
import { errorMessage, type Project } from '../../api';
import { FormError } from '../../components/Field';
import { ConfirmDialog } from '../../components/Modal';
import { Drawer } from '../../components/Menu';
import { Badge, ErrorBanner, Spinner } from '../../components/ui';
import { formatDateTime } from '../../components/format';
import { consentInfo, contactsApi, type ContactDetail } from './api';

export function ContactDrawer({
  project,
  contactId,
  manage,
  onClose,
  onChanged,
}: {
  project: Project;
  contactId: number;
  manage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [c, setC] = useState<ContactDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [evidence, setEvidence] = useState('');
  const [erasing, setErasing] = useState(false);

  useEffect(() => {
    let gone = false;
    contactsApi.get(project.id, contactId).then(
      (d) => !gone && (setC(d), setError(null)),
      (e) => !gone && setError(errorMessage(e)),
    );
    return () => {
      gone = true;
    };
  }, [project.id, contactId]);

  const consent = async (state: 'opted_in' | 'opted_out') => {
    setActionError(null);
    try {
      setC(await contactsApi.consent(project.id, contactId, state, evidence ? { note: evidence } : {}));
      setEvidence('');
      onChanged();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  return (
    <Drawer
      onClose={onClose}
      title={
        <div>
          <div className="drawer-name">{c?.name || 'Contact'}</div>
          <div className="muted small mono">{c ? (c.phone ?? `${c.lid} (no phone yet)`) : ''}</div>
        </div>
      }
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {!c && !error && <Spinner label="Loading the contact…" />}
      {c && (
        <>
          <div className="drawer-status" data-testid="contact-consent">
            <Badge tone={consentInfo[c.consent].tone}>{consentInfo[c.consent].label}</Badge>
            {c.persona && <Badge tone="violet">{`${c.persona} · ${c.persona_confidence}${c.persona_manual ? ' (set by hand)' : ''}`}</Badge>}
            <Badge tone="gray">{`engagement ${c.engagement.toFixed(1)}`}</Badge>
          </div>
          {manage && (
            <section className="drawer-section">
              <h2>Record consent</h2>
              <input
                className="input"
                placeholder="Evidence: where and how (needed to opt in)"
                aria-label="Evidence"
                value={evidence}
                onChange={(e) => setEvidence(e.target.value)}
              />
              <div className="drawer-actions">
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => void consent('opted_in')}>
                  Opted in
                </button>
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => void consent('opted_out')}>
                  Opted out
                </button>
                <button type="button" className="btn btn-danger btn-sm" onClick={() => setErasing(true)}>
                  Erase…
                </button>
              </div>
              <FormError>{actionError}</FormError>
            </section>
          )}
          <section className="drawer-section" data-testid="consent-history">
            <h2>Consent history</h2>
            {c.consent_history.length === 0 ? (
              <p className="muted small">No change yet: known from {c.source === 'group' ? 'a group' : c.source}.</p>
            ) : (
              <ul className="mini-alerts">
                {c.consent_history.map((h, i) => (
                  <li key={i}>
                    <Badge tone={consentInfo[h.to].tone}>{consentInfo[h.to].label}</Badge>
                    <span className="small">
                      {h.source}
                      {typeof h.evidence.text === 'string' ? `: “${h.evidence.text}”` : ''}
                      {typeof h.evidence.note === 'string' ? `: ${h.evidence.note}` : ''}
                      {typeof h.evidence.consent_source === 'string' ? `: ${h.evidence.consent_source}` : ''}
                    </span>
                    <span className="muted small nowrap">{formatDateTime(h.at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="drawer-section">
            <h2>Groups</h2>
            {c.memberships.length === 0 ? (
              <p className="muted small">Not seen in any group.</p>
            ) : (
              <dl className="kv kv-tight">
                {c.memberships.map((m) => (
                  <div key={m.group_id} style={{ display: 'contents' }}>
                    <dt>Group {m.group_id}{m.is_admin ? ' (admin)' : ''}</dt>
                    <dd className="small">since {formatDateTime(m.first_seen)}, last seen {formatDateTime(m.last_seen)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="drawer-section">
            <h2>Messages</h2>
            {c.messages.length === 0 ? (
              <p className="muted small">No message queued or sent to this contact.</p>
            ) : (
              <ul className="mini-alerts">
                {c.messages.map((m) => (
                  <li key={m.id}>
                    <Badge tone="gray">{m.status}</Badge>
                    <span className="small">{m.kind.replace(/_/g, ' ')}</span>
                    <span className="muted small nowrap">{formatDateTime(m.planned_at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="drawer-section">
            <h2>Details</h2>
            <dl className="kv kv-tight">
              <dt>Region</dt>
              <dd>{c.region ?? <span className="muted">—</span>}</dd>
              <dt>Tags</dt>
              <dd>{c.tags.join(', ') || <span className="muted">—</span>}</dd>
              {Object.entries(c.attributes).map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd className="small">{Array.isArray(v) ? v.join(', ') : String(v)}</dd>
                </div>
              ))}
              <dt>Added</dt>
              <dd>{formatDateTime(c.created_at)}</dd>
            </dl>
          </section>
        </>
      )}
      {erasing && (
        <ConfirmDialog
          title="Erase this contact?"
          danger
          confirmLabel="Erase"
          onClose={() => setErasing(false)}
          onConfirm={async () => {
            await contactsApi.erase(project.id, contactId);
            onChanged();
            onClose();
          }}
        >
          Everything stored about this person is deleted. The number is kept only as a salted hash on the suppression list, so
          they are never messaged again, even when a group or a CSV brings them back.
        </ConfirmDialog>
      )}
    </Drawer>
  );
}
