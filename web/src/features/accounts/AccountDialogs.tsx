// "Add account" and "Edit account" dialogs. Validation errors from the API land next to their field.
import { useState, type FormEvent } from 'react';
import {
  ACCOUNT_ENGINES,
  ACCOUNT_ROLES,
  ApiError,
  accounts as accountsApi,
  errorMessage,
  type Account,
  type AccountCreate,
  type AccountEngine,
  type AccountPatch,
  type AccountRole,
  type Project,
} from '../../api';
import { Field, FormError, errorFor } from '../../components/Field';
import { FormFooter, Modal } from '../../components/Modal';
import { useSubmit } from '../../components/useSubmit';
import { engineInfo, formatPhone, labelOf, roleInfo } from './meta';

const KNOWN_FIELDS = ['phone', 'label', 'engine', 'role', 'daily_limit'];

function generalError(err: unknown): string | null {
  if (!err) return null;
  if (err instanceof ApiError && err.field && KNOWN_FIELDS.includes(err.field)) return null;
  return errorMessage(err);
}

function parseLimit(s: string): number | undefined | 'invalid' {
  const t = s.trim();
  if (!t) return undefined;
  if (!/^\d+$/.test(t)) return 'invalid';
  return Number(t);
}

/** A select of `choices` labelled from `info`, with the chosen one's help text as the hint. */
function ChoiceField<T extends string>({
  label,
  name,
  error,
  value,
  choices,
  info,
  onChange,
}: {
  label: string;
  name: string;
  error: unknown;
  value: T;
  choices: T[];
  info: Record<T, { label: string; help: string }>;
  onChange: (v: T) => void;
}) {
  return (
    <Field label={label} name={name} error={errorFor(error, name)} hint={info[value].help}>
      {(id) => (
        <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value as T)}>
          {choices.map((x) => (
            <option key={x} value={x}>
              {info[x].label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function AddAccountDialog({
  project,
  onClose,
  onCreated,
  defaultEngine = 'webjs',
}: {
  project: Project;
  onClose: () => void;
  onCreated: (a: Account, linkNow: boolean) => void;
  /** The engine most of the project's numbers use (a demo project's are all simulated). */
  defaultEngine?: AccountEngine;
}) {
  const [phone, setPhone] = useState('');
  const [label, setLabel] = useState('');
  const [engine, setEngine] = useState<AccountEngine>(defaultEngine);
  const [role, setRole] = useState<AccountRole>('production');
  const [limit, setLimit] = useState('');
  const { busy, error, setError, run } = useSubmit();

  const submit = async (e: FormEvent, linkNow: boolean) => {
    e.preventDefault();
    setError(null);
    const daily = parseLimit(limit);
    if (daily === 'invalid') {
      setError(new ApiError(400, 'validation_failed', 'Enter a whole number of messages, or leave it empty.', 'daily_limit'));
      return;
    }
    const body: AccountCreate = { phone: phone.trim(), engine, role };
    if (label.trim()) body.label = label.trim();
    if (daily !== undefined) body.daily_limit = daily;
    await run(async () => onCreated(await accountsApi.create(project.id, body), linkNow));
  };

  const general = generalError(error);

  return (
    <Modal
      title="Add a WhatsApp number"
      onClose={onClose}
      width={540}
      footer={
        <FormFooter
          form="account-form"
          busy={busy}
          onCancel={onClose}
          label="Add account"
          busyLabel="Adding…"
          primary={false}
          disabled={!phone.trim()}
          testId="add-account-submit"
        >
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || !phone.trim()}
            onClick={(e) => void submit(e, true)}
            data-testid="add-account-link"
          >
            Add and link
          </button>
        </FormFooter>
      }
    >
      <form id="account-form" className="stack" noValidate onSubmit={(e) => void submit(e, false)} data-testid="account-form">
        <FormError>{general}</FormError>
        <Field
          label="Phone number"
          name="phone"
          error={errorFor(error, 'phone')}
          hint={
            <>
              Local numbers use the project’s default region <strong>{project.default_region}</strong> (e.g.{' '}
              <span className="mono">{project.default_region === 'IN' ? '098765 43210' : 'a national number'}</span>); add a{' '}
              <span className="mono">+</span> and country code for others.
            </>
          }
        >
          {(id) => (
            <input
              id={id}
              className="input mono"
              inputMode="tel"
              autoComplete="off"
              autoFocus
              placeholder={project.default_region === 'IN' ? '98765 43210' : '+…'}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          )}
        </Field>
        <Field label="Label" name="label" error={errorFor(error, 'label')} hint="A name your team recognises, e.g. “Hyderabad sales 1”.">
          {(id) => <input id={id} className="input" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />}
        </Field>
        <div className="form-row-2">
          <ChoiceField label="Engine" name="engine" error={error} value={engine} choices={ACCOUNT_ENGINES} info={engineInfo} onChange={setEngine} />
          <ChoiceField label="Role" name="role" error={error} value={role} choices={ACCOUNT_ROLES} info={roleInfo} onChange={setRole} />
        </div>
        <Field label="Daily limit" name="daily_limit" error={errorFor(error, 'daily_limit')} hint="Most messages this number may send per day. Leave empty for the server’s default.">
          {(id) => (
            <input id={id} className="input limit-input" inputMode="numeric" placeholder="default" value={limit} onChange={(e) => setLimit(e.target.value)} />
          )}
        </Field>
      </form>
    </Modal>
  );
}

export function EditAccountDialog({
  project,
  account,
  onClose,
  onSaved,
}: {
  project: Project;
  account: Account;
  onClose: () => void;
  onSaved: (a: Account) => void;
}) {
  const [label, setLabel] = useState(labelOf(account));
  const [role, setRole] = useState<AccountRole>(account.role);
  const [limit, setLimit] = useState(String(account.daily_limit_setting ?? account.daily_limit ?? ''));
  const { busy, error, setError, run } = useSubmit();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const daily = parseLimit(limit);
    if (daily === 'invalid' || daily === undefined) {
      setError(new ApiError(400, 'validation_failed', 'Enter a whole number of messages.', 'daily_limit'));
      return;
    }
    const patch: AccountPatch = {};
    if (label.trim() !== labelOf(account)) patch.label = label.trim();
    if (role !== account.role) patch.role = role;
    if (daily !== (account.daily_limit_setting ?? account.daily_limit)) patch.daily_limit = daily;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    await run(async () => {
      onSaved(await accountsApi.update(project.id, account.id, patch));
      onClose();
    });
  };

  const general = generalError(error);
  return (
    <Modal
      title={`Edit ${formatPhone(account.phone)}`}
      onClose={onClose}
      footer={<FormFooter form="account-edit-form" busy={busy} onCancel={onClose} label="Save" />}
    >
      <form id="account-edit-form" className="stack" noValidate onSubmit={(e) => void submit(e)}>
        <FormError>{general}</FormError>
        <Field label="Label" name="label" error={errorFor(error, 'label')}>
          {(id) => <input id={id} className="input" maxLength={100} value={label} autoFocus onChange={(e) => setLabel(e.target.value)} />}
        </Field>
        <ChoiceField label="Role" name="role" error={error} value={role} choices={ACCOUNT_ROLES} info={roleInfo} onChange={setRole} />
        <Field label="Daily limit" name="daily_limit" error={errorFor(error, 'daily_limit')} hint="Most messages this number may send per day.">
          {(id) => <input id={id} className="input limit-input" inputMode="numeric" value={limit} onChange={(e) => setLimit(e.target.value)} />}
        </Field>
      </form>
    </Modal>
  );
}
