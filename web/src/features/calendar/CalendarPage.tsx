// The content calendar (issue 10 item 8): a week of recurring posts to groups, communities and
// channels. Every occurrence is already planned into the outbox (so the week shows what will really
// go); moving one (drag it to another day, or "Move or edit" with a date and time field — the
// keyboard way), editing its text or skipping it changes its queued messages too.
import { useState, type DragEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Project } from '../../api';
import { errorMessage } from '../../api';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from '../../components/ui';
import { Field, FormError } from '../../components/Field';
import { ConfirmDialog, FormFooter, Modal } from '../../components/Modal';
import { useSubmit } from '../../components/useSubmit';
import { useToast } from '../../components/Toast';
import { fieldErrors, formError } from '../campaigns/fieldErrors';
import { calendarApi, channelsApi, kindText, statusText, WEEKDAYS, type EntryInput, type Occurrence, type PostKind, type Week } from './api';
import { ChannelsCard } from './ChannelsCard';
import './calendar.css';

function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function CalendarPage({ project }: { project: Project }) {
  const manage = project.role === 'owner' || project.role === 'manager';
  const qc = useQueryClient();
  const toast = useToast();
  const [week, setWeek] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<Occurrence | null>(null);
  const [skipping, setSkipping] = useState<Occurrence | null>(null);
  const [creating, setCreating] = useState(false);
  const [dropError, setDropError] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['calendar', project.id, week ?? 'this'],
    queryFn: () => calendarApi.week(project.id, week),
    meta: { events: ['calendar.*', 'outbox.*'], projectId: project.id },
    refetchInterval: 30_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['calendar', project.id] });

  const onDrop = async (e: DragEvent<HTMLElement>, date: string) => {
    e.preventDefault();
    const id = Number(e.dataTransfer.getData('text/x-occurrence'));
    const o = q.data?.occurrences.find((x) => x.id === id);
    if (!o || o.date === date) return;
    setDropError(null);
    try {
      await calendarApi.updateOccurrence(project.id, id, { date });
      toast(`Moved “${o.entry_name}” to ${dayLabel(date)} ${o.time}`);
      await refresh();
    } catch (err) {
      setDropError(errorMessage(err));
    }
  };

  const w = q.data;
  return (
    <div className="page wide calendar-page">
      <PageHeader
        title="Calendar"
        subtitle="Recurring posts to your groups, communities and channels. Each post is planned into the outbox a week ahead and sent within working hours, under the daily limits."
        actions={
          manage ? (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="calendar-new">
              New recurring post
            </button>
          ) : undefined
        }
      />
      {q.isError && <ErrorBanner title="The calendar could not be loaded.">{errorMessage(q.error)}</ErrorBanner>}
      {dropError && <ErrorBanner title="The post was not moved.">{dropError}</ErrorBanner>}
      {!w ? (
        !q.isError && <Spinner label="Loading the week…" />
      ) : (
        <>
          <nav className="calendar-nav" aria-label="Weeks">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setWeek(w.previous_week)}>
              ← Previous week
            </button>
            <h2 className="calendar-week-title" data-testid="calendar-week">
              Week of {dayLabel(w.week_start)}
            </h2>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setWeek(undefined)}>
              This week
            </button>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setWeek(w.next_week)}>
              Next week →
            </button>
          </nav>
          <p className="muted calendar-tz">Times are in {w.time_zone}. A group gets at most {w.group_weekly_cap_max} calendar posts a week.</p>
          <WeekGrid week={w} manage={manage} onEdit={setEditing} onSkip={setSkipping} onDrop={onDrop} />
          <EntriesCard week={w} manage={manage} projectId={project.id} onChanged={refresh} />
          <ChannelsCard projectId={project.id} manage={manage} />
        </>
      )}
      {editing && (
        <OccurrenceDialog projectId={project.id} occurrence={editing} onClose={() => setEditing(null)} onSaved={async () => {
          setEditing(null);
          await refresh();
        }} />
      )}
      {skipping && (
        <ConfirmDialog
          title={`Skip “${skipping.entry_name}” on ${dayLabel(skipping.date)}?`}
          confirmLabel="Skip this post"
          danger
          onClose={() => setSkipping(null)}
          onConfirm={async () => {
            await calendarApi.skip(project.id, skipping.id);
            setSkipping(null);
            toast('Skipped: its messages will not be sent');
            await refresh();
          }}
        >
          Its {skipping.messages.queued} planned message{skipping.messages.queued === 1 ? '' : 's'} will not be sent. The next occurrences stay planned.
        </ConfirmDialog>
      )}
      {creating && (
        <EntryDialog projectId={project.id} onClose={() => setCreating(false)} onSaved={async () => {
          setCreating(false);
          toast('Recurring post saved; the next 7 days are planned');
          await refresh();
        }} />
      )}
    </div>
  );
}

function WeekGrid({
  week,
  manage,
  onEdit,
  onSkip,
  onDrop,
}: {
  week: Week;
  manage: boolean;
  onEdit: (o: Occurrence) => void;
  onSkip: (o: Occurrence) => void;
  onDrop: (e: DragEvent<HTMLElement>, date: string) => void;
}) {
  const [over, setOver] = useState<string | null>(null);
  return (
    <div className="calendar-week" data-testid="calendar-grid">
      {week.days.map((d) => {
        const items = week.occurrences.filter((o) => o.date === d.date);
        return (
          <section
            key={d.date}
            className={`calendar-day${d.date === week.today ? ' today' : ''}${over === d.date ? ' drop-over' : ''}`}
            aria-label={`${d.weekday} ${dayLabel(d.date)}`}
            data-date={d.date}
            onDragOver={(e) => {
              if (!manage) return;
              e.preventDefault();
              setOver(d.date);
            }}
            onDragLeave={() => setOver(null)}
            onDrop={(e) => {
              setOver(null);
              onDrop(e, d.date);
            }}
          >
            <h3 className="calendar-day-title">
              <span>{d.weekday}</span> <span className="muted">{dayLabel(d.date)}</span>
              {d.date === week.today && <Badge tone="blue">Today</Badge>}
            </h3>
            {items.length === 0 && <p className="muted calendar-empty">No posts</p>}
            {items.map((o) => (
              <OccurrenceCard key={o.id} o={o} manage={manage} onEdit={onEdit} onSkip={onSkip} />
            ))}
          </section>
        );
      })}
    </div>
  );
}

function OccurrenceCard({ o, manage, onEdit, onSkip }: { o: Occurrence; manage: boolean; onEdit: (o: Occurrence) => void; onSkip: (o: Occurrence) => void }) {
  const s = statusText[o.status];
  const movable = manage && o.status === 'planned';
  const targets = o.messages.queued + o.messages.sent + o.messages.failed;
  return (
    <article
      className={`calendar-post status-${o.status}`}
      draggable={movable}
      onDragStart={(e) => e.dataTransfer.setData('text/x-occurrence', String(o.id))}
      data-testid="calendar-post"
      data-occurrence={o.id}
      aria-label={`${o.entry_name}, ${o.time}, ${s.text}`}
    >
      <div className="calendar-post-head">
        <span className="calendar-time">{o.time}</span>
        <Badge tone={s.tone}>{s.text}</Badge>
      </div>
      <div className="calendar-post-name">{o.entry_name}</div>
      <div className="muted calendar-post-meta">
        {kindText[o.kind]} · {targets} {o.kind === 'channel_post' ? (targets === 1 ? 'channel' : 'channels') : targets === 1 ? 'group' : 'groups'}
        {o.messages.skipped > 0 && ` · ${o.messages.skipped} left out`}
        {o.edited && ' · edited'}
      </div>
      {o.sample ? (
        <p className="calendar-post-body" title={`${o.sample.group ? `As ${o.sample.group} gets it. ` : ''}Written as: ${o.body}`}>
          {o.sample.text}
        </p>
      ) : (
        <p className="calendar-post-body">{o.body}</p>
      )}
      {o.excluded.length > 0 && (
        <ul className="calendar-excluded">
          {o.excluded.map((x) => (
            <li key={x.reason}>
              {x.count} left out: {x.message}
            </li>
          ))}
        </ul>
      )}
      {movable && (
        <div className="calendar-post-actions">
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onEdit(o)} data-testid="calendar-move">
            Move or edit
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onSkip(o)} data-testid="calendar-skip">
            Skip
          </button>
        </div>
      )}
    </article>
  );
}

function OccurrenceDialog({ projectId, occurrence, onClose, onSaved }: { projectId: number; occurrence: Occurrence; onClose: () => void; onSaved: () => void }) {
  const [date, setDate] = useState(occurrence.date);
  const [time, setTime] = useState(occurrence.time);
  const [body, setBody] = useState(occurrence.body);
  const { busy, error, run } = useSubmit();
  const errs = fieldErrors(error);
  const submit = () =>
    run(async () => {
      const patch: { date?: string; time?: string; body?: string } = {};
      if (date !== occurrence.date) patch.date = date;
      if (time !== occurrence.time) patch.time = time;
      if (body !== occurrence.body) patch.body = body;
      if (Object.keys(patch).length) await calendarApi.updateOccurrence(projectId, occurrence.id, patch);
      onSaved();
    });
  return (
    <Modal
      title={`Move or edit “${occurrence.entry_name}”`}
      onClose={onClose}
      testId="occurrence-dialog"
      footer={<FormFooter form="occurrence-form" busy={busy} onCancel={onClose} label="Save" testId="occurrence-save" />}
    >
      <form id="occurrence-form" className="stack" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div className="grid-2">
          <Field label="Date" name="date" error={errs.date}>
            {(id) => <input id={id} className="input" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />}
          </Field>
          <Field label="Time" name="time" error={errs.time} hint="The project's time zone">
            {(id) => <input id={id} className="input" type="time" value={time} onChange={(e) => setTime(e.target.value)} required />}
          </Field>
        </div>
        <Field label="Text of this post" name="body" error={errs.body} hint="Only this occurrence changes; {{group}} is the group's name">
          {(id) => <textarea id={id} className="input" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
        <FormError>{formError(error, ['date', 'time', 'body'])}</FormError>
      </form>
    </Modal>
  );
}

const blankEntry: EntryInput = {
  name: '',
  kind: 'group_post',
  body: '',
  targeting: { groups: { filter: {} } },
  recurrence: { weekdays: [1, 3, 5], time: '10:00' },
  group_weekly_cap: 3,
};

function EntryDialog({ projectId, onClose, onSaved }: { projectId: number; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState<EntryInput>(blankEntry);
  const { busy, error, run } = useSubmit();
  const errs = fieldErrors(error);
  const toggleDay = (d: number) =>
    setF((x) => ({
      ...x,
      recurrence: { ...x.recurrence, weekdays: x.recurrence.weekdays.includes(d) ? x.recurrence.weekdays.filter((y) => y !== d) : [...x.recurrence.weekdays, d].sort() },
    }));
  return (
    <Modal
      title="New recurring post"
      width={560}
      onClose={onClose}
      testId="entry-dialog"
      footer={<FormFooter form="entry-form" busy={busy} onCancel={onClose} label="Save and plan" testId="entry-save" />}
    >
      <form id="entry-form" className="stack" onSubmit={(e) => { e.preventDefault(); void run(async () => { await calendarApi.createEntry(projectId, { ...f, name: f.name.trim() }); onSaved(); }); }}>
        <Field label="Name" name="name" error={errs.name}>
          {(id) => <input id={id} className="input" value={f.name} placeholder="Monday industry insight" onChange={(e) => setF({ ...f, name: e.target.value })} />}
        </Field>
        <Field label="Posts to" name="kind" error={errs.kind} hint="Every group (community, channel) where one of your numbers is in its value-posts phase">
          {(id) => (
            <select id={id} className="select" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as PostKind })}>
              {(Object.keys(kindText) as PostKind[]).map((k) => (
                <option key={k} value={k}>{kindText[k]}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Text" name="body" error={errs.body} hint="Variables: {{group}}, {{project}}, {{account}}; {a|b} picks a variant">
          {(id) => <textarea id={id} className="input" rows={4} value={f.body} onChange={(e) => setF({ ...f, body: e.target.value })} />}
        </Field>
        <fieldset className="calendar-days-field" data-field="recurrence.weekdays">
          <legend className="field-label">Repeats on</legend>
          <div className="calendar-day-choices">
            {WEEKDAYS.map((name, i) => (
              <label key={name} className="checkbox">
                <input type="checkbox" checked={f.recurrence.weekdays.includes(i + 1)} onChange={() => toggleDay(i + 1)} />
                {name}
              </label>
            ))}
          </div>
          {(errs['recurrence.weekdays'] || errs.recurrence) && <div className="field-error" role="alert">{errs['recurrence.weekdays'] ?? errs.recurrence}</div>}
        </fieldset>
        <div className="grid-2">
          <Field label="Time" name="recurrence.time" error={errs['recurrence.time']} hint="Inside working hours, or it waits for the next window">
            {(id) => <input id={id} className="input" type="time" value={f.recurrence.time} onChange={(e) => setF({ ...f, recurrence: { ...f.recurrence, time: e.target.value } })} />}
          </Field>
          <Field label="Posts per group a week, at most" name="group_weekly_cap" error={errs.group_weekly_cap}>
            {(id) => (
              <select id={id} className="select" value={f.group_weekly_cap} onChange={(e) => setF({ ...f, group_weekly_cap: Number(e.target.value) })}>
                {[1, 2, 3].map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            )}
          </Field>
        </div>
        <Attachment projectId={projectId} value={f} onChange={(patch) => setF((x) => ({ ...x, ...patch }))} errors={errs} />
        <FormError>{formError(error, ['name', 'kind', 'body', 'recurrence', 'group_weekly_cap', 'media', 'poll'])}</FormError>
      </form>
    </Modal>
  );
}

/** An image, video or PDF (uploaded to the core, sent with the post), or a poll. */
function Attachment({
  projectId,
  value,
  onChange,
  errors,
}: {
  projectId: number;
  value: EntryInput;
  onChange: (patch: Partial<EntryInput>) => void;
  errors: Record<string, string>;
}) {
  const mode = value.poll ? 'poll' : value.media ? 'file' : 'none';
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setUploadError(null);
    try {
      const m = await channelsApi.upload(projectId, file);
      onChange({ media: { kind: m.kind, media_id: m.id }, poll: null });
      setFileName(`${m.filename} (${Math.max(1, Math.round(m.size / 1024))} KB)`);
    } catch (err) {
      setUploadError(errorMessage(err));
    } finally {
      setUploading(false);
    }
  };
  return (
    <fieldset className="calendar-days-field">
      <legend className="field-label">Attachment</legend>
      <div className="calendar-day-choices">
        {(['none', 'file', 'poll'] as const).map((m) => (
          <label key={m} className="checkbox">
            <input
              type="radio"
              name="attachment"
              checked={mode === m}
              onChange={() => onChange(m === 'poll' ? { poll: { question: '', options: ['', ''] }, media: null } : m === 'none' ? { media: null, poll: null } : { poll: null, media: value.media ?? null })}
            />
            {m === 'none' ? 'None' : m === 'file' ? 'Image, video or PDF' : 'Poll'}
          </label>
        ))}
      </div>
      {mode !== 'poll' && (
        <Field label="File" name="media" error={uploadError ?? errors['media.media_id'] ?? errors.media} hint={fileName ?? 'JPEG, PNG or WebP up to 5 MB; MP4 or PDF up to 16 MB. The text above is its caption.'}>
          {(id) => <input id={id} type="file" accept="image/jpeg,image/png,image/webp,video/mp4,application/pdf" disabled={uploading} onChange={(e) => void pick(e.target.files?.[0])} data-testid="entry-file" />}
        </Field>
      )}
      {mode === 'poll' && value.poll && (
        <>
          <Field label="Question" name="poll.question" error={errors['poll.question']}>
            {(id) => <input id={id} className="input" value={value.poll!.question} onChange={(e) => onChange({ poll: { ...value.poll!, question: e.target.value } })} />}
          </Field>
          <Field label="Answers, one a line (2 to 12)" name="poll.options" error={errors['poll.options']}>
            {(id) => <textarea id={id} className="input" rows={4} value={value.poll!.options.join('\n')} onChange={(e) => onChange({ poll: { ...value.poll!, options: e.target.value.split('\n') } })} />}
          </Field>
        </>
      )}
    </fieldset>
  );
}

function EntriesCard({ week, manage, projectId, onChanged }: { week: Week; manage: boolean; projectId: number; onChanged: () => void }) {
  const [deleting, setDeleting] = useState<number | null>(null);
  const entry = week.entries.find((e) => e.id === deleting);
  if (week.entries.length === 0)
    return (
      <Card title="Recurring posts">
        <EmptyState title="No recurring posts yet">
          Plan the seed's channel rhythm — Monday industry insight, Wednesday product tip, Friday success story — and value posts to your groups.
        </EmptyState>
      </Card>
    );
  return (
    <Card title="Recurring posts" subtitle="Changing a post re-plans its occurrences not yet due.">
      <ul className="calendar-entries">
        {week.entries.map((e) => (
          <li key={e.id} className="calendar-entry">
            <div>
              <strong>{e.name}</strong> <Badge tone={e.active ? 'green' : 'gray'}>{e.active ? 'Active' : 'Paused'}</Badge>
              <div className="muted">
                {kindText[e.kind]} · {e.recurrence.weekdays.map((d) => WEEKDAYS[d - 1]).join(', ')} at {e.recurrence.time} · at most {e.group_weekly_cap} a week per group
              </div>
            </div>
            {manage && (
              <div className="calendar-entry-actions">
                <button type="button" className="btn btn-secondary btn-sm" onClick={async () => { await calendarApi.updateEntry(projectId, e.id, { active: !e.active }); onChanged(); }}>
                  {e.active ? 'Pause' : 'Resume'}
                </button>
                <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setDeleting(e.id)}>
                  Delete
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {entry && (
        <ConfirmDialog
          title={`Delete “${entry.name}”?`}
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await calendarApi.deleteEntry(projectId, entry.id);
            setDeleting(null);
            onChanged();
          }}
        >
          Its planned messages that have not gone out are cancelled.
        </ConfirmDialog>
      )}
    </Card>
  );
}
