// Who a campaign reaches: groups (by filter, or picked by hand from the project's groups) for posts,
// contacts by filter for direct messages. Counts come from the builder's live estimate.
import { useMemo, useState } from 'react';
import type { Account } from '../../api';
import { TagInput } from '../../components/TagInput';
import { formatPhone } from '../accounts/meta';
import { PHASES, kindLabel, phaseInfo, type Group, type GroupKind } from '../groups/api';
import { kindInfo, type CampaignKind, type ContactFilter, type GroupFilter, type Targeting } from './api';
import { under, type FieldErrors } from './fieldErrors';

/** Which group kinds each campaign kind posts to. */
export const groupKindsFor: Record<CampaignKind, GroupKind[]> = {
  group_post: ['group'],
  channel_post: ['channel'],
  community_announcement: ['community', 'announcement'],
  direct: [],
};

export type GroupMode = 'filter' | 'pick';

const num = (s: string): number | undefined => (s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s));
const str = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

function Err({ errors, field }: { errors: FieldErrors; field: string }) {
  const e = under(errors, field);
  return e ? (
    <div className="field-error" role="alert" data-error-for={field}>
      {e}
    </div>
  ) : null;
}

export function TargetingFields({
  kind,
  targeting,
  mode,
  onMode,
  onChange,
  groups,
  accounts,
  errors,
  readOnly,
}: {
  kind: CampaignKind;
  targeting: Targeting;
  mode: GroupMode;
  onMode: (m: GroupMode) => void;
  onChange: (t: Targeting) => void;
  groups: Group[] | null;
  accounts: Account[];
  errors: FieldErrors;
  readOnly: boolean;
}) {
  if (kindInfo[kind].targets === 'contacts') {
    const f = targeting.contacts?.filter ?? {};
    const setF = (patch: Partial<ContactFilter>) => onChange({ contacts: { filter: { ...f, ...patch } } });
    const consent = f.consent ?? ['opted_in', 'engaged'];
    return (
      <div className="camp-grid" data-testid="targeting-contacts">
        <div className="field">
          <label className="field-label" htmlFor="t-persona">
            Persona
          </label>
          <input id="t-persona" className="input" value={f.persona ?? ''} readOnly={readOnly} onChange={(e) => setF({ persona: str(e.target.value) })} placeholder="Any persona" />
          <Err errors={errors} field="targeting.contacts.filter.persona" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="t-conf">
            Minimum persona confidence (%)
          </label>
          <input
            id="t-conf"
            className="input"
            type="number"
            min={0}
            max={100}
            value={f.min_confidence === undefined ? '' : Math.round(f.min_confidence * 100)}
            readOnly={readOnly}
            onChange={(e) => {
              const v = num(e.target.value);
              setF({ min_confidence: v === undefined ? undefined : v / 100 });
            }}
          />
          <Err errors={errors} field="targeting.contacts.filter.min_confidence" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="t-region">
            Region
          </label>
          <input id="t-region" className="input" value={f.region ?? ''} readOnly={readOnly} maxLength={2} onChange={(e) => setF({ region: str(e.target.value.toUpperCase()) })} placeholder="IN" />
          <Err errors={errors} field="targeting.contacts.filter.region" />
          {!under(errors, 'targeting.contacts.filter.region') && <div className="field-hint">A two-letter country code, like IN.</div>}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="t-tags">
            Tags (all of them)
          </label>
          <TagInput id="t-tags" value={f.tags ?? []} onChange={(tags) => setF({ tags: tags.length ? tags : undefined })} disabled={readOnly} placeholder="Type a tag, press Enter" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="t-eng">
            Minimum engagement (0–100)
          </label>
          <input id="t-eng" className="input" type="number" min={0} max={100} value={f.min_engagement ?? ''} readOnly={readOnly} onChange={(e) => setF({ min_engagement: num(e.target.value) })} />
          <Err errors={errors} field="targeting.contacts.filter.min_engagement" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="t-days">
            Not contacted for at least (days)
          </label>
          <input id="t-days" className="input" type="number" min={0} value={f.not_contacted_days ?? ''} readOnly={readOnly} onChange={(e) => setF({ not_contacted_days: num(e.target.value) })} />
          <Err errors={errors} field="targeting.contacts.filter.not_contacted_days" />
        </div>
        <fieldset className="field camp-consent">
          <legend className="field-label">Consent</legend>
          {(['opted_in', 'engaged'] as const).map((c) => (
            <label key={c} className="checkbox">
              <input
                type="checkbox"
                checked={consent.includes(c)}
                disabled={readOnly}
                onChange={(e) => {
                  const next = e.target.checked ? [...consent, c] : consent.filter((x) => x !== c);
                  setF({ consent: next });
                }}
              />{' '}
              {c === 'opted_in' ? 'Opted in' : 'Engaged (wrote to us first)'}
            </label>
          ))}
          <div className="field-hint">Contacts who never opted in, opted out or are on the do-not-contact list are never messaged one-to-one.</div>
          <Err errors={errors} field="targeting.contacts.filter.consent" />
        </fieldset>
      </div>
    );
  }

  const g = targeting.groups ?? {};
  return (
    <div data-testid="targeting-groups">
      <div className="segmented camp-mode" role="group" aria-label="How to choose groups">
        {(['filter', 'pick'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} disabled={readOnly} onClick={() => onMode(m)} data-testid={`target-mode-${m}`}>
            {m === 'filter' ? 'By filter' : 'Pick by hand'}
          </button>
        ))}
      </div>
      {mode === 'filter' ? (
        <GroupFilterFields filter={g.filter ?? {}} onChange={(filter) => onChange({ groups: { filter } })} accounts={accounts} errors={errors} readOnly={readOnly} />
      ) : (
        <GroupPicker kind={kind} groups={groups} ids={g.ids ?? []} onChange={(ids) => onChange({ groups: { ids } })} readOnly={readOnly} />
      )}
      <Err errors={errors} field="targeting.groups" />
    </div>
  );
}

function GroupFilterFields({
  filter,
  onChange,
  accounts,
  errors,
  readOnly,
}: {
  filter: GroupFilter;
  onChange: (f: GroupFilter) => void;
  accounts: Account[];
  errors: FieldErrors;
  readOnly: boolean;
}) {
  const set = (patch: Partial<GroupFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="camp-grid">
      <div className="field">
        <label className="field-label" htmlFor="g-account">
          Our number in the group
        </label>
        <select id="g-account" className="select" value={filter.account_id ?? ''} disabled={readOnly} onChange={(e) => set({ account_id: num(e.target.value) })}>
          <option value="">Any of our numbers</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label ? `${a.label} (${formatPhone(a.phone)})` : formatPhone(a.phone)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="g-phase">
          Engagement phase
        </label>
        <select id="g-phase" className="select" value={filter.phase ?? ''} disabled={readOnly} onChange={(e) => set({ phase: str(e.target.value) })}>
          <option value="">Any phase (only value-post groups receive posts)</option>
          {PHASES.map((p) => (
            <option key={p} value={p}>
              {phaseInfo[p].label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="g-persona">
          Persona
        </label>
        <input id="g-persona" className="input" value={filter.persona ?? ''} readOnly={readOnly} onChange={(e) => set({ persona: str(e.target.value) })} placeholder="Any persona" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="g-region">
          Region
        </label>
        <input id="g-region" className="input" value={filter.region ?? ''} maxLength={2} readOnly={readOnly} onChange={(e) => set({ region: str(e.target.value.toUpperCase()) })} placeholder="IN" />
        <Err errors={errors} field="targeting.groups.filter.region" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="g-activity">
          At least messages a day
        </label>
        <input id="g-activity" className="input" type="number" min={0} step="0.5" value={filter.min_messages_per_day ?? ''} readOnly={readOnly} onChange={(e) => set({ min_messages_per_day: num(e.target.value) })} />
        <Err errors={errors} field="targeting.groups.filter.min_messages_per_day" />
      </div>
    </div>
  );
}

function GroupPicker({ kind, groups, ids, onChange, readOnly }: { kind: CampaignKind; groups: Group[] | null; ids: number[]; onChange: (ids: number[]) => void; readOnly: boolean }) {
  const [q, setQ] = useState('');
  const kinds = groupKindsFor[kind];
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (groups ?? []).filter((g) => kinds.includes(g.kind) && (!needle || g.name.toLowerCase().includes(needle)));
  }, [groups, kinds, q]);
  const chosen = new Set(ids);
  const toggle = (id: number, on: boolean) => onChange(on ? [...ids, id] : ids.filter((x) => x !== id));
  if (groups === null) return <p className="muted small">Loading the groups…</p>;
  return (
    <div className="group-picker">
      <div className="group-picker-head">
        <input className="input" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search groups" aria-label="Search groups to pick" />
        <span className="muted small" aria-live="polite">
          {ids.length} picked
        </span>
        {!readOnly && shown.length > 0 && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange([...new Set([...ids, ...shown.map((g) => g.id)])])}>
            Pick all shown
          </button>
        )}
        {!readOnly && ids.length > 0 && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange([])}>
            Clear
          </button>
        )}
      </div>
      {shown.length === 0 ? (
        <p className="muted small">No {kinds.map((k) => kindLabel[k].toLowerCase()).join(' or ')} of our numbers{q ? ' matches this search' : ' yet; sync a number on the Groups page'}.</p>
      ) : (
        <ul className="group-picker-list" aria-label="Groups">
          {shown.map((g) => {
            const best = g.accounts.find((a) => a.in_group && a.phase === 'value') ?? g.accounts.find((a) => a.in_group);
            return (
              <li key={g.id}>
                <label className="checkbox group-pick" data-group-id={g.id}>
                  <input type="checkbox" checked={chosen.has(g.id)} disabled={readOnly} onChange={(e) => toggle(g.id, e.target.checked)} />
                  <span className="group-pick-name">{g.name || g.wa_id}</span>
                  <span className="muted small">{g.size.toLocaleString('en-IN')} members</span>
                  {best && <span className="muted small">· {phaseInfo[best.phase].label}</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
