import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, timezones, type Project, type ProjectInput, type WorkingWindow } from '../../api';
import { Combobox } from '../../components/Combobox';
import { Field } from '../../components/Field';
import { useUnsavedChanges } from '../../components/useUnsavedChanges';
import { RULES, validateProject } from './validateProject';
import { IconPlus, IconTrash } from '../../components/Icons';
import { TagInput } from '../../components/TagInput';
import { ErrorBanner, InfoBanner } from '../../components/ui';

/** Form state: the project's editable fields, numbers kept as typed text. */
interface FormState {
  name: string;
  slug: string;
  time_zone: string;
  default_region: string;
  working_hours: WorkingWindow[];
  weekend_factor: string;
  regions: string[];
  personas: string[];
}

export const DEFAULTS: FormState = {
  name: '',
  slug: '',
  time_zone: 'Asia/Kolkata',
  default_region: 'IN',
  working_hours: [
    { start: '09:00', end: '12:00' },
    { start: '14:00', end: '21:00' },
  ],
  weekend_factor: '0.6',
  regions: [],
  personas: [],
};

const MAX_WINDOWS = 6;

function fromProject(p: Project): FormState {
  return {
    name: p.name,
    slug: p.slug,
    time_zone: p.time_zone,
    default_region: p.default_region,
    working_hours: p.working_hours.map((w) => ({ ...w })),
    weekend_factor: String(p.weekend_factor),
    regions: [...p.regions],
    personas: [...p.personas],
  };
}

export function slugify(name: string): string {
  let s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  s = s.replace(/^[0-9-]+/, '');
  return s.slice(0, 50).replace(/-+$/, '');
}

function toInput(f: FormState): Required<ProjectInput> {
  const wf = f.weekend_factor.trim();
  const n = Number(wf);
  return {
    name: f.name.trim(),
    slug: f.slug.trim(),
    time_zone: f.time_zone,
    default_region: f.default_region.trim().toUpperCase(),
    working_hours: f.working_hours.map((w) => ({ start: w.start, end: w.end })),
    // An unparsable number is sent as typed, so the server names the problem.
    weekend_factor: (wf !== '' && Number.isFinite(n) ? n : wf) as number,
    regions: f.regions,
    personas: f.personas,
  };
}

function diff(a: Required<ProjectInput>, b: Required<ProjectInput>): ProjectInput {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a) as (keyof ProjectInput)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out[k] = a[k];
  }
  return out as ProjectInput;
}

const KNOWN_FIELDS = ['name', 'slug', 'time_zone', 'default_region', 'working_hours', 'weekend_factor', 'regions', 'personas'];

export function ProjectForm({
  project,
  readOnly,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  /** Absent when creating. */
  project?: Project;
  readOnly?: boolean;
  onSubmit: (input: ProjectInput) => Promise<void>;
  onCancel?: () => void;
  submitLabel: string;
}) {
  const initial = useMemo(() => (project ? fromProject(project) : DEFAULTS), [project]);
  const [f, setF] = useState<FormState>(initial);
  const [slugTouched, setSlugTouched] = useState(!!project);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [zones, setZones] = useState<string[]>([]);
  const formRef = useRef<HTMLFormElement>(null);

  // When the project changes underneath us (our own save, or a live update from someone else):
  // take the new values, unless the user has unsaved edits; then offer to load them instead.
  const fRef = useRef(f);
  fRef.current = f;
  const busyRef = useRef(false);
  const prevInitial = useRef(initial);
  const [staleNotice, setStaleNotice] = useState(false);
  useEffect(() => {
    const prev = prevInitial.current;
    prevInitial.current = initial;
    if (prev === initial) return;
    const same = (a: FormState, b: FormState) => JSON.stringify(toInput(a)) === JSON.stringify(toInput(b));
    if (same(prev, initial)) return;
    const cur = fRef.current;
    // Our own save lands here too (the form then already equals the new values): no merge needed.
    if (project && !busyRef.current && !same(cur, prev) && !same(cur, initial)) {
      // Merge: fields the user has not touched take the new values; edited fields keep the user's.
      const merged = { ...cur };
      for (const k of Object.keys(cur) as (keyof FormState)[]) {
        if (JSON.stringify(cur[k]) === JSON.stringify(prev[k])) (merged as Record<string, unknown>)[k] = initial[k];
      }
      setF(merged);
      setStaleNotice(true);
      return;
    }
    setF(initial);
    setError(null);
    setStaleNotice(false);
  }, [initial, project]);

  // Switching to another project always starts from its values.
  useEffect(() => {
    setF(prevInitial.current);
    setError(null);
    setStaleNotice(false);
  }, [project?.id]);

  useEffect(() => {
    timezones().then(setZones, () => setZones([]));
  }, []);

  // Bring the field the server complained about into view.
  useEffect(() => {
    if (error instanceof ApiError && error.field) {
      const el = formRef.current?.querySelector('.has-error, .wh-row.has-error');
      el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }, [error]);

  // Server errors stay next to their field until that field is edited; rule errors show once a field
  // was touched, and all of them after a save attempt.
  const [serverErrs, setServerErrs] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [tried, setTried] = useState(false);
  const live = useMemo(() => validateProject(f, zones), [f, zones]);
  const errs = useMemo(() => {
    const out: Record<string, string> = { ...serverErrs };
    for (const [k, v] of Object.entries(live)) {
      const top = k.split('.').slice(0, 2).join('.');
      if (tried || touched.has(k.split('.')[0]) || touched.has(top)) out[k] = v;
    }
    return out;
  }, [serverErrs, live, touched, tried]);
  const errorFor = (_e: unknown, field: string): string | null => errs[field] ?? null;
  const errorUnder = (_e: unknown, field: string): string | null => {
    if (errs[field]) return errs[field];
    const k = Object.keys(errs).find((x) => x.startsWith(field + '.'));
    return k ? errs[k] : null;
  };
  useEffect(() => {
    if (!(error instanceof ApiError) || !error.field) {
      setServerErrs({});
      return;
    }
    const list = error.errors.length ? error.errors : [{ field: error.field, message: error.message }];
    setServerErrs(Object.fromEntries(list.map((x) => [x.field, x.message])));
  }, [error]);
  const forget = (k: string) => {
    setTouched((t) => (t.has(k) ? t : new Set(t).add(k)));
    setServerErrs((m) => {
      const keys = Object.keys(m).filter((x) => x === k || x.startsWith(k + '.') || k.startsWith(x + '.'));
      if (!keys.length) return m;
      const n = { ...m };
      for (const x of keys) delete n[x];
      return n;
    });
  };

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    forget(k);
    setF((s) => ({ ...s, [k]: v }));
  };

  const changes = useMemo(() => (project ? diff(toInput(f), toInput(initial)) : null), [f, initial, project]);
  const dirty = project ? Object.keys(changes ?? {}).length > 0 : true;

  const leave = useUnsavedChanges(!!project && !readOnly && dirty && !busy);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    setTried(true);
    if (Object.keys(live).length) {
      setError(null);
      setTimeout(() => formRef.current?.querySelector('.has-error')?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 0);
      return;
    }
    setBusy(true);
    busyRef.current = true;
    setError(null);
    try {
      await onSubmit(project ? changes! : toInput(f));
      setStaleNotice(false);
    } catch (err) {
      setError(err);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const setWindow = (i: number, key: 'start' | 'end', v: string) => {
    forget(`working_hours.${i}`);
    setF((s) => ({ ...s, working_hours: s.working_hours.map((w, j) => (j === i ? { ...w, [key]: v } : w)) }));
  };

  const addWindow = () => {
    const last = f.working_hours[f.working_hours.length - 1];
    const next = last ? nextWindowAfter(last.end) : { start: '09:00', end: '17:00' };
    set('working_hours', [...f.working_hours, next]);
  };

  // The audience lists: one tag input each.
  const tagField = (key: 'regions' | 'personas', label: string, placeholder: string) => (
    <Field label={label} name={key} error={errorUnder(error, key)} hint="Press Enter or comma to add.">
      {(id) => (
        <TagInput
          id={id}
          testId={key}
          value={f[key]}
          onChange={(v) => set(key, v)}
          disabled={readOnly}
          invalid={!!errorUnder(error, key)}
          placeholder={placeholder}
        />
      )}
    </Field>
  );

  const apiErr = error instanceof ApiError ? error : null;
  const fieldKnown = !!apiErr?.field && KNOWN_FIELDS.some((k) => apiErr.field === k || apiErr.field!.startsWith(k + '.'));
  const generalError = error && !fieldKnown ? (error instanceof Error ? error.message : String(error)) : null;
  // Errors of one window are shown under its row; anything else about working_hours under the list.
  const whKey = Object.keys(errs).find((k) => k === 'working_hours' || (k.startsWith('working_hours.') && Number(k.split('.')[1]) >= f.working_hours.length));
  const whGeneral = whKey ? errs[whKey] : null;
  const allErrors = Object.entries(errs);

  return (
    <form ref={formRef} className="project-form" onSubmit={submit} noValidate data-testid="project-form">
      {staleNotice && (
        <InfoBanner>
          Someone else just changed this project; their changes are merged into the form, and the fields you are
          editing keep your values.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setF(initial);
              setError(null);
              setStaleNotice(false);
            }}
          >
            Discard my edits
          </button>
        </InfoBanner>
      )}
      {generalError && <ErrorBanner title="Could not save.">{generalError}</ErrorBanner>}
      {tried && allErrors.length > 0 && (
        <ErrorBanner title={allErrors.length === 1 ? 'One thing to fix before saving:' : `${allErrors.length} things to fix before saving:`}>
          <ul className="error-list" data-testid="form-errors">
            {allErrors.map(([k, v]) => (
              <li key={k}>{v}</li>
            ))}
          </ul>
        </ErrorBanner>
      )}
      {leave}

      <FormSection title="General" intro="The name your team sees, and the short identifier used in links and the API.">
        <Field label="Project name" name="name" error={errorFor(error, 'name')} hint={RULES.name}>
          {(id) => (
            <input
              id={id}
              name="name"
              className="input"
              value={f.name}
              disabled={readOnly}
              maxLength={100}
              placeholder="e.g. PoultryCare"
              onChange={(e) => {
                const name = e.target.value;
                forget('name');
                if (!slugTouched) forget('slug');
                setF((s) => ({ ...s, name, slug: slugTouched ? s.slug : slugify(name) }));
              }}
            />
          )}
        </Field>
        <Field
          label="Slug"
          name="slug"
          error={errorFor(error, 'slug')}
          hint={RULES.slug}
        >
          {(id) => (
            <div className="input-group">
              <span className="input-addon">/</span>
              <input
                id={id}
                name="slug"
                className="input mono"
                value={f.slug}
                disabled={readOnly}
                maxLength={60}
                spellCheck={false}
                placeholder="poultrycare"
                onChange={(e) => {
                  setSlugTouched(true);
                  set('slug', e.target.value);
                }}
              />
            </div>
          )}
        </Field>
      </FormSection>

      <FormSection title="Locale" intro="Sending windows are computed in this time zone; phone numbers without a country code use the default region." twoCol>
        <Field label="Time zone" name="time_zone" error={errorFor(error, 'time_zone')} hint={RULES.time_zone}>
          {(id) => (
            <Combobox
              id={id}
              testId="time-zone"
              value={f.time_zone}
              options={zones.length ? zones : [f.time_zone]}
              onChange={(v) => set('time_zone', v)}
              freeText
              disabled={readOnly}
              invalid={!!errorFor(error, 'time_zone')}
              placeholder="Search time zones…"
            />
          )}
        </Field>
        <Field
          label="Default phone region"
          name="default_region"
          error={errorFor(error, 'default_region')}
          hint={RULES.default_region}
        >
          {(id) => (
            <input
              id={id}
              name="default_region"
              className="input mono region-input"
              value={f.default_region}
              disabled={readOnly}
              maxLength={2}
              spellCheck={false}
              onChange={(e) => set('default_region', e.target.value.toUpperCase())}
            />
          )}
        </Field>
      </FormSection>

      <FormSection title="Sending calendar" intro="Messages go out only inside these windows (local time). Up to six windows, sorted and not overlapping.">
        <div className={`field ${whGeneral ? 'has-error' : ''}`} data-field="working_hours">
          <span className="field-label">Working hours</span>
          <div className="field-hint">{RULES.working_hours}</div>
          <div className="wh-list">
            {f.working_hours.map((w, i) => {
              const errRow = errorFor(error, `working_hours.${i}`);
              const rowErr = errorUnder(error, `working_hours.${i}`);
              const timeInput = (key: 'start' | 'end') => (
                // Text, not type="time": a time input shows AM/PM in many locales, and the
                // calendar is in 24-hour time everywhere else (issue 13 item 9).
                <input
                  type="text"
                  inputMode="numeric"
                  maxLength={5}
                  placeholder={key === 'start' ? '09:00' : '17:30'}
                  className={`input time-input mono ${errorFor(error, `working_hours.${i}.${key}`) || errRow ? 'invalid' : ''}`}
                  aria-label={`Window ${i + 1} ${key}`}
                  aria-invalid={!!(errorFor(error, `working_hours.${i}.${key}`) || errRow)}
                  name={`working_hours.${i}.${key}`}
                  value={w[key]}
                  disabled={readOnly}
                  onChange={(e) => setWindow(i, key, e.target.value.replace(/[^0-9:]/g, ''))}
                  onBlur={(e) => {
                    // "9" or "930" → "09:00" / "09:30", so typing the digits is enough.
                    const v = e.target.value;
                    const d = v.replace(/\D/g, '');
                    if (!v.includes(':') && d.length >= 1 && d.length <= 4) {
                      const h = d.length <= 2 ? d : d.slice(0, d.length - 2);
                      const m = d.length <= 2 ? '00' : d.slice(-2);
                      setWindow(i, key, `${h.padStart(2, '0')}:${m}`);
                    }
                  }}
                />
              );
              return (
                <div key={i} className={`wh-row ${rowErr ? 'has-error' : ''}`} data-field={`working_hours.${i}`}>
                  <div className="wh-inputs">
                    <span className="wh-index">{i + 1}</span>
                    {timeInput('start')}
                    <span className="wh-sep">to</span>
                    {timeInput('end')}
                    {!readOnly && (
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Remove window ${i + 1}`}
                        title="Remove window"
                        disabled={f.working_hours.length <= 1}
                        onClick={() =>
                          set(
                            'working_hours',
                            f.working_hours.filter((_, j) => j !== i),
                          )
                        }
                      >
                        <IconTrash size={16} />
                      </button>
                    )}
                  </div>
                  {rowErr && (
                    <div className="field-error" role="alert" data-error-for={`working_hours.${i}`}>
                      {rowErr}
                    </div>
                  )}
                </div>
              );
            })}
          </div>
          <HoursBar windows={f.working_hours} />
          {!readOnly && (
            <button
              type="button"
              className="btn btn-ghost btn-sm add-row"
              onClick={addWindow}
              disabled={f.working_hours.length >= MAX_WINDOWS}
            >
              <IconPlus size={15} /> Add window
            </button>
          )}
          {whGeneral && (
            <div className="field-error" role="alert" data-error-for="working_hours">
              {whGeneral}
            </div>
          )}
        </div>
        <Field
          label="Weekend volume factor"
          name="weekend_factor"
          error={errorFor(error, 'weekend_factor')}
          hint={RULES.weekend_factor}
        >
          {(id) => (
            <div className="range-row">
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                aria-label="Weekend volume factor slider"
                value={Number.isFinite(Number(f.weekend_factor)) ? Number(f.weekend_factor) : 0}
                disabled={readOnly}
                onChange={(e) => set('weekend_factor', e.target.value)}
              />
              <input
                id={id}
                name="weekend_factor"
                className="input range-value"
                inputMode="decimal"
                value={f.weekend_factor}
                disabled={readOnly}
                onChange={(e) => set('weekend_factor', e.target.value)}
              />
            </div>
          )}
        </Field>
      </FormSection>

      <FormSection title="Audience" intro="Regions and personas you target. Contacts and campaigns pick from these lists.">
        {tagField('regions', 'Regions', 'e.g. Telangana, Andhra Pradesh')}
        {tagField('personas', 'Personas', 'e.g. Farmer, Dealer, Veterinarian')}
      </FormSection>

      {!readOnly && (
        <div className="form-actions">
          {project && dirty && <span className="muted small">You have unsaved changes.</span>}
          {onCancel && (
            <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
          )}
          {project && (
            <button
              type="button"
              className="btn btn-ghost"
              disabled={!dirty || busy}
              onClick={() => {
                setF(initial);
                setError(null);
                setTried(false);
                setTouched(new Set());
              }}
            >
              Discard
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || !dirty} data-testid="save-project">
            {busy ? 'Saving…' : submitLabel}
          </button>
        </div>
      )}
    </form>
  );
}

function FormSection({ title, intro, twoCol, children }: { title: string; intro: string; twoCol?: boolean; children: ReactNode }) {
  return (
    <section className="form-section">
      <div className="form-section-intro">
        <h2>{title}</h2>
        <p>{intro}</p>
      </div>
      <div className={twoCol ? 'form-section-fields two-col' : 'form-section-fields'}>{children}</div>
    </section>
  );
}

function nextWindowAfter(end: string): WorkingWindow {
  const m = /^(\d{2}):(\d{2})$/.exec(end);
  if (!m) return { start: '09:00', end: '10:00' };
  const startMin = Math.min(Number(m[1]) * 60 + Number(m[2]) + 60, 22 * 60);
  const endMin = Math.min(startMin + 60, 23 * 60 + 59);
  const fmt = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
  return { start: fmt(startMin), end: fmt(endMin) };
}

/** A 24-hour strip showing the windows; purely visual. */
export function HoursBar({ windows, nowMinutes }: { windows: WorkingWindow[]; nowMinutes?: number }) {
  const toMin = (s: string) => {
    const m = /^(\d{1,2}):(\d{2})/.exec(s);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  return (
    <div className="hours-bar" aria-hidden="true">
      <div className="hours-track">
        {windows.map((w, i) => {
          const a = toMin(w.start);
          const b = toMin(w.end);
          if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) return null;
          return (
            <span
              key={i}
              className="hours-seg"
              style={{ left: `${(a / 1440) * 100}%`, width: `${((b - a) / 1440) * 100}%` }}
              title={`${w.start}–${w.end}`}
            />
          );
        })}
        {nowMinutes !== undefined && <span className="hours-now" style={{ left: `${(nowMinutes / 1440) * 100}%` }} />}
      </div>
      <div className="hours-scale">
        {[0, 6, 12, 18, 24].map((h) => (
          <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
            {String(h).padStart(2, '0')}:00
          </span>
        ))}
      </div>
    </div>
  );
}
