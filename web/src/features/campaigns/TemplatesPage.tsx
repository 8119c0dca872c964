// The project's message templates: a list, and a page to create or edit one with the live editor.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage, type Project } from '../../api';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { FormError } from '../../components/Field';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { useList } from '../../components/useList';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../components/format';
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, PageLoading } from '../../components/ui';
import { useUnsavedChanges } from '../../components/useUnsavedChanges';
import { Link, navigate } from '../../router';
import { templatesApi, type Media, type MediaKind, type Poll, type Template, type TemplateInput } from './api';
import { fieldErrors, formError, under } from './fieldErrors';
import { ChecksList, TemplateEditor } from './TemplateEditor';
import './campaigns.css';

const canWrite = (p: Project) => p.role === 'owner' || p.role === 'manager';

export function TemplatesPage({ project }: { project: Project }) {
  useNow(30_000);
  const { items, error } = useList(() => templatesApi.list(project.id), [project.id], { key: ['templates', project.id] });
  const base = `/projects/${project.id}/templates`;
  const columns: DataColumn<Template>[] = [
    {
      id: 'name',
      header: 'Template',
      phone: 'title',
      cell: (t) => (
        <Link to={`${base}/${t.id}`} className="strong">
          {t.name}
        </Link>
      ),
    },
    { id: 'body', header: 'Message', cell: (t) => <span className="tpl-excerpt">{t.body}</span> },
    {
      id: 'checks',
      header: 'Content checks',
      cell: (t) => {
        const blocks = t.checks.filter((c) => c.level === 'block').length;
        const warns = t.checks.length - blocks;
        if (!t.checks.length) return <Badge tone="green">No warnings</Badge>;
        return (
          <span className="badge-row">
            {blocks > 0 && <Badge tone="red">{blocks === 1 ? '1 must fix' : `${blocks} must fix`}</Badge>}
            {warns > 0 && <Badge tone="amber">{warns === 1 ? '1 warning' : `${warns} warnings`}</Badge>}
          </span>
        );
      },
    },
    { id: 'extra', header: 'Attachment', cell: (t) => (t.poll ? 'Poll' : t.media ? mediaLabel[t.media.kind] : <span className="muted">—</span>) },
    { id: 'updated', header: 'Changed', className: 'nowrap', cell: (t) => <span className="muted small">{relativeTime(t.updated_at)}</span> },
  ];
  return (
    <div className="page">
      <PageHeader
        title="Templates"
        subtitle="Reusable messages with variables and variations; campaigns start from them."
        actions={
          canWrite(project) && (
            <Link to={`${base}/new`} className="btn btn-primary" data-testid="template-new">
              New template
            </Link>
          )
        }
      />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <Card flush>
        {items === null ? (
          error ? <EmptyState title="Templates could not be loaded" /> : <PageLoading />
        ) : items.length === 0 ? (
          <EmptyState title="No templates yet">Write a message once, with {'{{name}}'} and variations, and start campaigns from it.</EmptyState>
        ) : (
          <DataTable rows={items} columns={columns} getRowId={(t) => String(t.id)} testId="templates-table" label="Templates" />
        )}
      </Card>
    </div>
  );
}

const mediaLabel: Record<MediaKind, string> = { image: 'Image', document: 'Document', video: 'Video' };
type Attachment = 'none' | MediaKind | 'poll';

interface Form {
  name: string;
  body: string;
  variables: Record<string, string>;
  attachment: Attachment;
  media: Media;
  poll: { question: string; options: string; multiple: boolean };
}

function toForm(t: Template | null): Form {
  return {
    name: t?.name ?? '',
    body: t?.body ?? '',
    variables: t?.variables ?? {},
    attachment: t?.poll ? 'poll' : (t?.media?.kind ?? 'none'),
    media: t?.media ?? { kind: 'image', url: '', caption: '' },
    poll: { question: t?.poll?.question ?? '', options: (t?.poll?.options ?? []).join('\n'), multiple: t?.poll?.multiple ?? false },
  };
}

function toInput(f: Form): TemplateInput {
  const poll: Poll | null =
    f.attachment === 'poll'
      ? { question: f.poll.question, options: f.poll.options.split('\n').map((s) => s.trim()).filter(Boolean), multiple: f.poll.multiple }
      : null;
  const media: Media | null = f.attachment !== 'none' && f.attachment !== 'poll' ? { kind: f.attachment, url: f.media.url.trim(), caption: f.media.caption ?? '' } : null;
  return { name: f.name.trim(), body: f.body, variables: f.variables, media, poll };
}

/** /templates/new and /templates/:tid. */
export function TemplateEditPage({ project, templateId }: { project: Project; templateId: number | null }) {
  const q = useQuery({
    queryKey: ['template', project.id, templateId],
    queryFn: () => templatesApi.get(project.id, templateId!),
    enabled: templateId !== null,
    gcTime: 0,
  });
  if (templateId === null) return <TemplateForm key="new" project={project} template={null} />;
  if (q.isPending) return <PageLoading />;
  if (q.error)
    return (
      <div className="page">
        <EmptyState title="Template not found" action={<Link to={`/projects/${project.id}/templates`} className="btn btn-secondary">Back to templates</Link>}>
          {errorMessage(q.error)}
        </EmptyState>
      </div>
    );
  return <TemplateForm key={q.data.id} project={project} template={q.data} />;
}

function TemplateForm({ project, template }: { project: Project; template: Template | null }) {
  const toast = useToast();
  const readOnly = !canWrite(project);
  const [saved, setSaved] = useState<Form>(() => toForm(template));
  const [form, setForm] = useState<Form>(saved);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  const [current, setCurrent] = useState(template);
  const dirty = JSON.stringify(toInput(form)) !== JSON.stringify(toInput(saved));
  const leave = useUnsavedChanges(dirty && !readOnly, 'your changes to this template');
  const errs = fieldErrors(error);
  const list = `/projects/${project.id}/templates`;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = toInput(form);
      const t = current ? await templatesApi.update(project.id, current.id, input) : await templatesApi.create(project.id, input);
      const f = toForm(t);
      setSaved(f);
      setForm(f);
      setCurrent(t);
      toast(current ? 'Template saved' : 'Template created');
      if (!current) navigate(`${list}/${t.id}`, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const shown = ['name', 'body', 'media', 'poll', 'variables'];
  const banner = formError(error, shown);
  return (
    <div className="page">
      <PageHeader
        title={current ? current.name : 'New template'}
        subtitle={<Link to={list}>← All templates</Link>}
        actions={
          current &&
          !readOnly && (
            <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
              Delete
            </button>
          )
        }
      />
      <form onSubmit={save} noValidate data-testid="template-form" className="camp-form">
        <Card>
          <div className="field" data-field="name">
            <label className="field-label" htmlFor="tpl-name">
              Name
            </label>
            <input
              id="tpl-name"
              className="input"
              value={form.name}
              readOnly={readOnly}
              onChange={(e) => set('name', e.target.value)}
              aria-invalid={!!errs.name}
              aria-describedby="tpl-name-msg"
              maxLength={120}
            />
            {errs.name ? (
              <div id="tpl-name-msg" className="field-error" role="alert" data-error-for="name">
                {errs.name}
              </div>
            ) : (
              <div id="tpl-name-msg" className="field-hint">
                For your team only, e.g. “Vaccination guide, March”.
              </div>
            )}
          </div>
          <TemplateEditor
            projectId={project.id}
            body={form.body}
            variables={form.variables}
            onBody={(b) => set('body', b)}
            onVariables={(v) => set('variables', v)}
            saveError={under(errs, 'body') ?? under(errs, 'variables')}
            readOnly={readOnly}
          />
          <AttachmentFields form={form} set={set} errs={errs} readOnly={readOnly} />
          {current && current.checks.length > 0 && !dirty && (
            <div className="camp-saved-checks">
              <h3 className="section-title">Checks at the last save</h3>
              <ChecksList checks={current.checks} />
            </div>
          )}
        </Card>
        <FormError testId="template-form-error">{banner}</FormError>
        {!readOnly && (
          <div className="form-actions camp-actions">
            {dirty && <span className="muted small">You have unsaved changes.</span>}
            <button type="button" className="btn btn-ghost" disabled={!dirty || busy} onClick={() => setForm(saved)}>
              Discard changes
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || (!dirty && !!current)} data-testid="template-save">
              {busy ? 'Saving…' : current ? 'Save template' : 'Create template'}
            </button>
          </div>
        )}
      </form>
      {leave}
      {deleting && current && (
        <ConfirmDialog
          title="Delete this template?"
          danger
          confirmLabel="Delete template"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await templatesApi.remove(project.id, current.id);
            setSaved(form);
            toast('Template deleted');
            navigate(list);
          }}
        >
          “{current.name}” will be removed. Campaigns that were started from it keep their own copy of the message.
        </ConfirmDialog>
      )}
    </div>
  );
}

function AttachmentFields({
  form,
  set,
  errs,
  readOnly,
}: {
  form: Form;
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  errs: Record<string, string>;
  readOnly: boolean;
}) {
  const a = form.attachment;
  const mediaErr = under(errs, 'media');
  const pollErr = under(errs, 'poll');
  return (
    <div className="camp-attachment">
      <div className="field">
        <label className="field-label" htmlFor="tpl-attach">
          Attachment
        </label>
        <select id="tpl-attach" className="select" value={a} disabled={readOnly} onChange={(e) => set('attachment', e.target.value as Attachment)}>
          <option value="none">None, text only</option>
          <option value="image">Image</option>
          <option value="document">Document</option>
          <option value="video">Video</option>
          <option value="poll">Poll</option>
        </select>
      </div>
      {a !== 'none' && a !== 'poll' && (
        <div className="form-row-2">
          <div className="field" data-field="media.url">
            <label className="field-label" htmlFor="tpl-media-url">
              {mediaLabel[a]} address
            </label>
            <input
              id="tpl-media-url"
              className="input"
              type="url"
              value={form.media.url}
              readOnly={readOnly}
              placeholder="https://"
              onChange={(e) => set('media', { ...form.media, url: e.target.value })}
              aria-invalid={!!mediaErr}
            />
            {mediaErr ? (
              <div className="field-error" role="alert" data-error-for="media">
                {mediaErr}
              </div>
            ) : (
              <div className="field-hint">A public https address the number downloads when it sends.</div>
            )}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="tpl-media-caption">
              Caption
            </label>
            <input id="tpl-media-caption" className="input" value={form.media.caption ?? ''} readOnly={readOnly} onChange={(e) => set('media', { ...form.media, caption: e.target.value })} />
          </div>
        </div>
      )}
      {a === 'poll' && (
        <div className="form-row-2">
          <div className="field" data-field="poll.question">
            <label className="field-label" htmlFor="tpl-poll-q">
              Question
            </label>
            <input id="tpl-poll-q" className="input" value={form.poll.question} readOnly={readOnly} onChange={(e) => set('poll', { ...form.poll, question: e.target.value })} />
          </div>
          <div className="field" data-field="poll.options">
            <label className="field-label" htmlFor="tpl-poll-o">
              Options, one a line
            </label>
            <textarea
              id="tpl-poll-o"
              className="input"
              rows={4}
              value={form.poll.options}
              readOnly={readOnly}
              onChange={(e) => set('poll', { ...form.poll, options: e.target.value })}
              aria-invalid={!!pollErr}
            />
            {pollErr ? (
              <div className="field-error" role="alert" data-error-for="poll">
                {pollErr}
              </div>
            ) : (
              <div className="field-hint">2 to 12 options.</div>
            )}
            <label className="checkbox">
              <input type="checkbox" checked={form.poll.multiple} disabled={readOnly} onChange={(e) => set('poll', { ...form.poll, multiple: e.target.checked })} /> People may pick more than one
            </label>
          </div>
        </div>
      )}
    </div>
  );
}

