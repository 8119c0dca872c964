// Create or edit a draft campaign: name and kind, the message (from a template or written here, with
// the live editor), who it reaches (with live counts of selected and excluded-with-reason), the
// schedule (dates, a per-day cap, which numbers) with the plan per number and day as a chart, and launch.
// Every change is estimated by the server (POST …/campaigns/estimate, 500 ms after the last edit).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError, accounts as accountsApi, errorMessage, type Project } from '../../api';
import { FormError } from '../../components/Field';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { useDebounced } from '../../components/useDebounced';
import { useUnsavedChanges } from '../../components/useUnsavedChanges';
import { formatDateTime } from '../../components/format';
import { Card, EmptyState, PageHeader, PageLoading, Spinner } from '../../components/ui';
import { Link, navigate } from '../../router';
import { formatPhone } from '../accounts/meta';
import { groupsApi } from '../groups/api';
import {
  KINDS,
  campaignsApi,
  dayText,
  kindInfo,
  statusInfo,
  templatesApi,
  type Campaign,
  type CampaignInput,
  type CampaignKind,
  type CampaignPreview,
  type Targeting,
  type TemplatePreview,
} from './api';
import { fieldErrors, formError, under, type FieldErrors } from './fieldErrors';
import { ScheduleChart } from './ScheduleChart';
import { TargetingFields, type GroupMode } from './Targeting';
import { ChecksList, TemplateEditor } from './TemplateEditor';
import { StatusBadge } from './widgets';
import './campaigns.css';

const ESTIMATE_DELAY_MS = 500;

/** Today's date in the project's time zone (the schedule's dates are the project's days). */
function today(timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

function blank(timeZone: string): CampaignInput {
  // A builder opened prefilled (?name=&body=): the calendar's "Promote in groups" for a channel.
  const q = new URLSearchParams(location.search);
  return {
    name: (q.get('name') ?? '').slice(0, 120),
    kind: 'group_post',
    template_id: null,
    body: q.get('body') ?? '',
    variables: {},
    targeting: { groups: { filter: { phase: 'value' } } },
    schedule: { start_date: today(timeZone), end_date: null, per_day_cap: null, account_ids: null },
  };
}

function fromCampaign(c: Campaign): CampaignInput {
  const { name, kind, template_id, body, variables, targeting, schedule } = c;
  return { name, kind, template_id, body, variables: variables ?? {}, targeting: targeting ?? {}, schedule };
}

/** Targeting that fits the kind: groups for posts, contacts for direct messages. */
function targetingFor(kind: CampaignKind, t: Targeting): Targeting {
  if (kindInfo[kind].targets === 'contacts') return { contacts: t.contacts ?? { filter: { consent: ['opted_in', 'engaged'] } } };
  return { groups: t.groups ?? { filter: { phase: 'value' } } };
}

/** /campaigns/new and /campaigns/:cid/edit. */
export function CampaignBuilderPage({ project, campaignId }: { project: Project; campaignId: number | null }) {
  const q = useQuery({
    queryKey: ['campaign-edit', project.id, campaignId],
    queryFn: () => campaignsApi.get(project.id, campaignId!),
    enabled: campaignId !== null,
    gcTime: 0,
  });
  if (campaignId === null) return <Builder key="new" project={project} campaign={null} />;
  if (q.isPending) return <PageLoading />;
  if (q.error)
    return (
      <div className="page">
        <EmptyState title="Campaign not found" action={<Link to={`/projects/${project.id}/campaigns`} className="btn btn-secondary">Back to campaigns</Link>}>
          {errorMessage(q.error)}
        </EmptyState>
      </div>
    );
  const c = q.data;
  if (c.status !== 'draft')
    return (
      <div className="page">
        <EmptyState
          title="This campaign can no longer be edited"
          action={<Link to={`/projects/${project.id}/campaigns/${c.id}`} className="btn btn-primary">Open the campaign</Link>}
        >
          Only drafts can be changed; “{c.name}” is {statusInfo[c.status]?.label.toLowerCase() ?? c.status}. Pause or cancel it on its page.
        </EmptyState>
      </div>
    );
  return <Builder key={c.id} project={project} campaign={c} />;
}

function Builder({ project, campaign }: { project: Project; campaign: Campaign | null }) {
  const toast = useToast();
  const readOnly = !(project.role === 'owner' || project.role === 'manager');
  const [current, setCurrent] = useState(campaign);
  const [saved, setSaved] = useState<CampaignInput>(() => (campaign ? fromCampaign(campaign) : blank(project.time_zone)));
  const [form, setForm] = useState<CampaignInput>(saved);
  const [mode, setMode] = useState<GroupMode>(campaign?.targeting.groups?.ids?.length ? 'pick' : 'filter');
  const [busy, setBusy] = useState<null | 'save' | 'launch'>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmLaunch, setConfirmLaunch] = useState(false);
  const [tplPreview, setTplPreview] = useState<TemplatePreview | null>(null);
  const base = `/projects/${project.id}/campaigns`;

  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const leave = useUnsavedChanges(dirty && !readOnly && busy === null, 'your changes to this campaign');
  const set = <K extends keyof CampaignInput>(k: K, v: CampaignInput[K]) => setForm((f) => ({ ...f, [k]: v }));

  const accounts = useQuery({ queryKey: ['accounts', project.id], queryFn: () => accountsApi.list(project.id) });
  const templates = useQuery({ queryKey: ['list', 'templates', project.id], queryFn: () => templatesApi.list(project.id) });
  const groups = useQuery({ queryKey: ['campaign-groups', project.id], queryFn: () => groupsApi.list(project.id, {}, 500) }); // the API's largest page; the picker searches within it

  // The live estimate of the unsaved builder state.
  const asked = useDebounced(form, ESTIMATE_DELAY_MS);
  const [estimate, setEstimate] = useState<CampaignPreview | null>(null);
  const [estimateErrors, setEstimateErrors] = useState<FieldErrors>({});
  const [estimating, setEstimating] = useState(false);
  const [estimateFailure, setEstimateFailure] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setEstimating(true);
    campaignsApi
      .estimate(project.id, asked, ctl.signal)
      .then((p) => {
        setEstimate(p);
        setEstimateErrors(Object.fromEntries((p.errors ?? []).map((e) => [e.field, e.message])));
        setEstimateFailure(null);
      })
      .catch((e) => {
        if ((e as Error)?.name === 'AbortError') return;
        const errs = fieldErrors(e);
        if (e instanceof ApiError && e.status === 400 && Object.keys(errs).length) {
          setEstimateErrors(errs);
          setEstimateFailure(null);
        } else setEstimateFailure(errorMessage(e));
      })
      .finally(() => {
        if (!ctl.signal.aborted) setEstimating(false);
      });
    return () => ctl.abort();
  }, [project.id, asked]);

  const stale = asked !== form;
  // What the server said on save wins; otherwise the live estimate's field errors. Neither shows for the
  // name before the user has tried to save (an empty name is not worth a red line while typing).
  const saveErrs = fieldErrors(error);
  const liveErrs: FieldErrors = { ...estimateErrors };
  if (!error) delete liveErrs.name;
  const errs: FieldErrors = { ...liveErrs, ...saveErrs };

  const payload = (): CampaignInput => ({ ...form, name: form.name.trim(), targeting: targetingFor(form.kind, form.targeting) });

  const save = async (): Promise<Campaign | null> => {
    setError(null);
    try {
      const input = payload();
      const c = current ? await campaignsApi.update(project.id, current.id, input) : await campaignsApi.create(project.id, input);
      const f = fromCampaign(c);
      setSaved(f);
      setForm(f);
      setCurrent(c);
      return c;
    } catch (e) {
      setError(e);
      return null;
    }
  };

  const onSave = async (e?: React.FormEvent) => {
    e?.preventDefault();
    setBusy('save');
    const c = await save();
    setBusy(null);
    if (!c) return;
    toast(current ? 'Draft saved' : 'Draft created');
    if (!current) navigate(`${base}/${c.id}/edit`, { replace: true });
  };

  const launch = async () => {
    setBusy('launch');
    try {
      const c = dirty || !current ? await save() : current;
      if (!c) throw new Error('The campaign could not be saved; each marked field says what is wrong.');
      try {
        await campaignsApi.action(project.id, c.id, 'launch');
      } catch (e) {
        setError(e);
        throw e;
      }
      toast('Campaign launched');
      navigate(`${base}/${c.id}`);
    } finally {
      setBusy(null);
    }
  };

  const templateErrors = (tplPreview?.errors ?? []).length > 0;
  const blocks = [
    ...(tplPreview?.checks ?? []).filter((c) => c.level === 'block').map((c) => c.message),
    ...(estimate?.checks ?? []).filter((c) => c.level === 'block').map((c) => c.message),
  ];
  const selected = estimate?.targets.selected ?? null;
  const launchProblem = readOnly
    ? 'Only managers and owners can launch campaigns.'
    : !form.name.trim()
      ? 'Give the campaign a name.'
      : !form.body.trim()
        ? 'Write the message or pick a template.'
        : templateErrors
          ? 'Fix the message where it is marked.'
          : blocks.length
          ? 'Fix what the content checks marked “must fix”.'
          : Object.keys(liveErrs).length
            ? 'Fix the marked fields.'
            : selected === 0
              ? 'The targeting selects nobody yet.'
              : null;

  const shownFields = ['name', 'kind', 'body', 'template_id', 'variables', 'targeting', 'schedule'];
  const banner = formError(error, shownFields);
  const tplList = templates.data?.items ?? [];
  const accountList = accounts.data?.items ?? [];

  return (
    <div className="page camp-builder">
      <PageHeader
        title={current ? current.name || 'Untitled campaign' : 'New campaign'}
        subtitle={
          <span className="camp-head-sub">
            <Link to={base}>← All campaigns</Link>
            {current && <StatusBadge status={current.status} />}
          </span>
        }
      />
      <form onSubmit={onSave} noValidate data-testid="campaign-form" className="camp-form">
        <Card title="1. What">
          <div className="camp-grid">
            <div className="field" data-field="name">
              <label className="field-label" htmlFor="c-name">
                Name
              </label>
              <input
                id="c-name"
                className="input"
                value={form.name}
                maxLength={120}
                readOnly={readOnly}
                onChange={(e) => set('name', e.target.value)}
                aria-invalid={!!errs.name}
                aria-describedby="c-name-msg"
              />
              {errs.name ? (
                <div id="c-name-msg" className="field-error" role="alert" data-error-for="name">
                  {errs.name}
                </div>
              ) : (
                <div id="c-name-msg" className="field-hint">
                  For your team, e.g. “Broiler feed offer, week 12”.
                </div>
              )}
            </div>
            <div className="field" data-field="kind">
              <label className="field-label" htmlFor="c-kind">
                Kind
              </label>
              <select
                id="c-kind"
                className="select"
                value={form.kind}
                disabled={readOnly}
                onChange={(e) => {
                  const kind = e.target.value as CampaignKind;
                  setForm((f) => ({ ...f, kind, targeting: targetingFor(kind, kindInfo[kind].targets === kindInfo[f.kind].targets ? f.targeting : {}) }));
                }}
                data-testid="campaign-kind"
              >
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {kindInfo[k].label}
                  </option>
                ))}
              </select>
              <div className="field-hint">{kindInfo[form.kind].hint}</div>
            </div>
          </div>
        </Card>

        <Card title="2. Message">
          <div className="field" data-field="template_id">
            <label className="field-label" htmlFor="c-template">
              Start from a template
            </label>
            <select
              id="c-template"
              className="select"
              value={form.template_id ?? ''}
              disabled={readOnly}
              onChange={(e) => {
                const id = e.target.value ? Number(e.target.value) : null;
                const t = tplList.find((x) => x.id === id);
                setForm((f) => ({ ...f, template_id: id, body: t ? t.body : f.body, variables: t ? { ...t.variables } : f.variables }));
              }}
              data-testid="campaign-template"
            >
              <option value="">No template — write the message here</option>
              {tplList.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            {under(errs, 'template_id') ? (
              <div className="field-error" role="alert">
                {under(errs, 'template_id')}
              </div>
            ) : (
              <div className="field-hint">The template’s text is copied here; changes below apply to this campaign only.</div>
            )}
          </div>
          <TemplateEditor
            projectId={project.id}
            body={form.body}
            variables={form.variables}
            onBody={(b) => set('body', b)}
            onVariables={(v) => set('variables', v)}
            onPreview={setTplPreview}
            kind={form.kind}
            saveError={saveErrs.body ?? under(saveErrs, 'variables')}
            readOnly={readOnly}
          />
        </Card>

        <Card title="3. Who" actions={<TargetCount estimate={estimate} busy={estimating || stale} kind={form.kind} />}>
          <TargetingFields
            kind={form.kind}
            targeting={targetingFor(form.kind, form.targeting)}
            mode={mode}
            onMode={(m) => {
              setMode(m);
              set('targeting', m === 'pick' ? { groups: { ids: [] } } : { groups: { filter: { phase: 'value' } } });
            }}
            onChange={(t) => set('targeting', t)}
            groups={groups.data?.items ?? (groups.error ? [] : null)}
            accounts={accountList}
            errors={errs}
            readOnly={readOnly}
          />
          <Excluded estimate={estimate} />
        </Card>

        <Card title="4. When and from which numbers">
          <ScheduleFields form={form} set={set} errs={errs} accounts={accountList} readOnly={readOnly} />
          <div className="camp-plan" aria-live="polite">
            <div className="tpl-preview-head">
              <h3 className="section-title">Plan per number and day</h3>
              {(estimating || stale) && <Spinner label="Updating…" />}
            </div>
            {estimateFailure && <p className="field-error">{estimateFailure}</p>}
            {estimate ? (
              <>
                <p className="muted small" data-testid="plan-summary">
                  {estimate.plan.total
                    ? `${estimate.plan.total.toLocaleString('en-IN')} messages, first ${formatDateTime(estimate.plan.first_at)}, last ${formatDateTime(estimate.plan.last_at)} — within the project’s working hours and each number’s daily limit.`
                    : 'Nothing would be sent with these settings.'}
                </p>
                {estimate.plan.days.length > 0 && <ScheduleChart days={estimate.plan.days} />}
                <ChecksList checks={estimate.checks.filter((c) => !(tplPreview?.checks ?? []).some((t) => t.code === c.code))} />
              </>
            ) : !estimateFailure ? (
              <p className="muted small">Working out the plan…</p>
            ) : null}
          </div>
        </Card>

        <FormError testId="campaign-form-error">{banner}</FormError>
        {!readOnly && (
          <div className="form-actions camp-actions">
            {dirty && <span className="muted small">You have unsaved changes.</span>}
            {launchProblem && (
              <span className="muted small" data-testid="launch-problem">
                {launchProblem}
              </span>
            )}
            <button type="submit" className="btn btn-secondary" disabled={busy !== null || (!dirty && !!current)} data-testid="campaign-save">
              {busy === 'save' ? 'Saving…' : 'Save draft'}
            </button>
            <button type="button" className="btn btn-primary" disabled={busy !== null || !!launchProblem} onClick={() => setConfirmLaunch(true)} data-testid="campaign-launch">
              {busy === 'launch' ? 'Launching…' : 'Launch…'}
            </button>
          </div>
        )}
      </form>
      {leave}
      {confirmLaunch && (
        <ConfirmDialog title="Launch this campaign?" confirmLabel="Launch" onClose={() => setConfirmLaunch(false)} onConfirm={launch}>
          <LaunchSummary estimate={estimate} kind={form.kind} startDate={form.schedule.start_date} timeZone={project.time_zone} />
        </ConfirmDialog>
      )}
    </div>
  );
}

function TargetCount({ estimate, busy, kind }: { estimate: CampaignPreview | null; busy: boolean; kind: CampaignKind }) {
  const noun = kindInfo[kind].targets === 'contacts' ? 'contacts' : 'groups';
  return (
    <span className="camp-count" aria-live="polite" data-testid="target-count" aria-busy={busy}>
      {estimate ? (
        <>
          <strong>{estimate.targets.selected.toLocaleString('en-IN')}</strong> {estimate.targets.selected === 1 ? noun.slice(0, -1) : noun} selected
        </>
      ) : (
        'Counting…'
      )}
      {busy && <span className="sr-only"> (updating)</span>}
    </span>
  );
}

function Excluded({ estimate }: { estimate: CampaignPreview | null }) {
  const ex = (estimate?.targets.excluded ?? []).filter((e) => e.count > 0);
  if (!ex.length) return null;
  const total = ex.reduce((n, e) => n + e.count, 0);
  return (
    <div className="camp-excluded" data-testid="excluded">
      <h3 className="section-title">Left out: {total.toLocaleString('en-IN')}</h3>
      <ul>
        {ex.map((e) => (
          <li key={e.reason} data-reason={e.reason}>
            <span className="camp-count-value">{e.count.toLocaleString('en-IN')}</span> {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ScheduleFields({
  form,
  set,
  errs,
  accounts,
  readOnly,
}: {
  form: CampaignInput;
  set: <K extends keyof CampaignInput>(k: K, v: CampaignInput[K]) => void;
  errs: FieldErrors;
  accounts: { id: number; phone: string; label: string; status: string; role: string }[];
  readOnly: boolean;
}) {
  const s = form.schedule;
  const upd = (patch: Partial<typeof s>) => set('schedule', { ...s, ...patch });
  const chosen = s.account_ids;
  const msg = (field: string, hint: string) =>
    under(errs, field) ? (
      <div className="field-error" role="alert" data-error-for={field}>
        {under(errs, field)}
      </div>
    ) : (
      <div className="field-hint">{hint}</div>
    );
  return (
    <div className="camp-grid" data-testid="schedule-fields">
      <div className="field" data-field="schedule.start_date">
        <label className="field-label" htmlFor="s-start">
          Start date
        </label>
        <input id="s-start" className="input" type="date" value={s.start_date ?? ''} readOnly={readOnly} onChange={(e) => upd({ start_date: e.target.value || null })} aria-invalid={!!under(errs, 'schedule.start_date')} />
        {msg('schedule.start_date', 'In the project’s time zone; empty: as soon as it is launched.')}
      </div>
      <div className="field" data-field="schedule.end_date">
        <label className="field-label" htmlFor="s-end">
          End date
        </label>
        <input id="s-end" className="input" type="date" value={s.end_date ?? ''} min={s.start_date ?? undefined} readOnly={readOnly} onChange={(e) => upd({ end_date: e.target.value || null })} aria-invalid={!!under(errs, 'schedule.end_date')} />
        {msg('schedule.end_date', 'Optional: stop planning after this day.')}
      </div>
      <div className="field" data-field="schedule.per_day_cap">
        <label className="field-label" htmlFor="s-cap">
          At most per day
        </label>
        <input
          id="s-cap"
          className="input"
          type="number"
          min={1}
          value={s.per_day_cap ?? ''}
          readOnly={readOnly}
          onChange={(e) => upd({ per_day_cap: e.target.value === '' ? null : Number(e.target.value) })}
          aria-invalid={!!under(errs, 'schedule.per_day_cap')}
        />
        {msg('schedule.per_day_cap', form.kind === 'direct' ? 'Messages a day for the whole campaign; empty: as many as the limits allow.' : 'Groups a day, e.g. 5; empty: as many as the limits allow.')}
      </div>
      <fieldset className="field camp-accounts" data-field="schedule.account_ids">
        <legend className="field-label">Send from</legend>
        <label className="checkbox">
          <input type="radio" name="s-accounts" checked={chosen === null} disabled={readOnly} onChange={() => upd({ account_ids: null })} /> Any eligible number of the project
        </label>
        <label className="checkbox">
          <input type="radio" name="s-accounts" checked={chosen !== null} disabled={readOnly} onChange={() => upd({ account_ids: accounts.filter((a) => a.status === 'active').map((a) => a.id) })} /> Only these numbers:
        </label>
        {chosen !== null && (
          <ul className="camp-account-list">
            {accounts.map((a) => (
              <li key={a.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.includes(a.id)}
                    disabled={readOnly}
                    onChange={(e) => upd({ account_ids: e.target.checked ? [...chosen, a.id] : chosen.filter((x) => x !== a.id) })}
                  />{' '}
                  {a.label ? `${a.label} · ` : ''}
                  {formatPhone(a.phone)} <span className="muted small">({a.status})</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {msg('schedule.account_ids', 'Only active numbers whose health and daily limit allow it send; others are left out of the plan.')}
      </fieldset>
    </div>
  );
}

function LaunchSummary({ estimate, kind, startDate, timeZone }: { estimate: CampaignPreview | null; kind: CampaignKind; startDate: string | null; timeZone: string }) {
  const numbers = useMemo(() => new Set((estimate?.plan.days ?? []).flatMap((d) => d.accounts.map((a) => a.account_id))).size, [estimate]);
  const ref = useRef(!startDate || startDate <= today(timeZone));
  if (!estimate) return <p>The plan is still being worked out.</p>;
  const noun = kindInfo[kind].targets === 'contacts' ? 'contacts' : 'groups';
  return (
    <p data-testid="launch-summary">
      {estimate.plan.total.toLocaleString('en-IN')} messages to {estimate.targets.selected.toLocaleString('en-IN')} {noun} from {numbers} {numbers === 1 ? 'number' : 'numbers'},{' '}
      {ref.current ? 'starting today' : `starting on ${dayText(startDate)}`}. Sending follows the safety limits; you can pause or cancel at any time.
    </p>
  );
}
