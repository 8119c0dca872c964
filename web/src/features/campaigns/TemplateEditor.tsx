// The message editor shared by the template page and the campaign builder: the body with variable
// buttons, the defaults of its custom variables, and a live preview from the server
// (POST …/templates/preview, 300 ms after the last keystroke) with three spintax variants, template
// errors at the field with their line and column, and the content checks with their reasons.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../api';
import { IconAlert } from '../../components/Icons';
import { useDebounced } from '../../components/useDebounced';
import { Spinner } from '../../components/ui';
import { templatesApi, type Check, type TemplateError, type TemplatePreview } from './api';

/** Variables the server fills in itself; others are custom and need a default. */
const BUILT_IN = ['name', 'first_name', 'group', 'link', 'project', 'account'];
const PREVIEW_DELAY_MS = 300;

export function customVariables(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) if (!BUILT_IN.includes(m[1]!)) out.add(m[1]!);
  return [...out];
}

export function TemplateEditor({
  projectId,
  body,
  variables,
  onBody,
  onVariables,
  onPreview,
  saveError,
  readOnly,
  label = 'Message',
  kind,
}: {
  projectId: number;
  body: string;
  variables: Record<string, string>;
  onBody: (body: string) => void;
  onVariables: (v: Record<string, string>) => void;
  /** The latest preview (the builder blocks launch on errors and "block" checks). */
  onPreview?: (p: TemplatePreview | null) => void;
  /** An error the server gave for the body on save. */
  saveError?: string | null;
  readOnly?: boolean;
  label?: string;
  /** The campaign kind: a direct message previews for a sample contact, a post for a sample group. */
  kind?: string;
}) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const [preview, setPreview] = useState<TemplatePreview | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const vars = useMemo(() => customVariables(body), [body]);
  const ask = useDebounced(useMemo(() => ({ body, variables, ...(kind ? { kind } : {}) }), [body, variables, kind]), PREVIEW_DELAY_MS);
  const onPreviewRef = useRef(onPreview);
  onPreviewRef.current = onPreview;

  useEffect(() => {
    if (!ask.body.trim()) {
      setPreview(null);
      onPreviewRef.current?.(null);
      return;
    }
    const ctl = new AbortController();
    setLoading(true);
    templatesApi
      .preview(projectId, ask, ctl.signal)
      .then((p) => {
        setPreview(p);
        setFailure(null);
        onPreviewRef.current?.(p);
      })
      .catch((e) => {
        if ((e as Error)?.name !== 'AbortError') setFailure(errorMessage(e));
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [projectId, ask]);

  const insert = (text: string) => {
    const el = area.current;
    if (!el) return onBody(body + text);
    const start = el.selectionStart ?? body.length;
    const end = el.selectionEnd ?? start;
    onBody(body.slice(0, start) + text + body.slice(end));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const stale = ask.body !== body;
  const errors = preview && !stale ? preview.errors.filter((e) => !e.field || e.field === 'body') : [];
  const fieldError = errors.length ? errors : saveError ? [{ field: 'body', message: saveError }] : [];
  const checks = preview?.checks ?? [];
  const errId = `${id}-err`;

  return (
    <div className="tpl-editor" data-testid="template-editor">
      <div className={`field ${fieldError.length ? 'has-error' : ''}`} data-field="body">
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        {!readOnly && (
          <div className="tpl-insert" role="toolbar" aria-label="Insert a variable">
            {['{{name}}', '{{group}}', '{{link}}', '{Hello|Namaste|Vanakkam}'].map((t) => (
              <button key={t} type="button" className="chip tpl-chip" onClick={() => insert(t)}>
                {t.startsWith('{{') ? t : 'Variation'}
              </button>
            ))}
          </div>
        )}
        <textarea
          ref={area}
          id={id}
          className="input tpl-body mono"
          rows={7}
          value={body}
          readOnly={readOnly}
          onChange={(e) => onBody(e.target.value)}
          aria-invalid={fieldError.length > 0}
          aria-describedby={fieldError.length ? errId : `${id}-hint`}
          data-testid="template-body"
          placeholder="{Hello|Namaste} {{name}}, our new vaccination guide is out: {{link}}"
        />
        {fieldError.length ? (
          <div id={errId} className="field-error" role="alert" data-error-for="body" data-testid="template-errors">
            {fieldError.map((e, i) => (
              <ErrorLine key={i} error={e} body={body} />
            ))}
          </div>
        ) : (
          <div id={`${id}-hint`} className="field-hint">
            Variables in double braces, like {'{{name}}'}; variations in single braces, like {'{Hello|Namaste}'} — each message picks one.
          </div>
        )}
      </div>

      {vars.length > 0 && (
        <fieldset className="tpl-vars">
          <legend className="field-label">Defaults of your variables</legend>
          <p className="field-hint">Give each of your own variables a default: it is used when a contact or group has no value of its own.</p>
          {vars.map((v) => (
            <label key={v} className="tpl-var">
              <span className="mono small">{`{{${v}}}`}</span>
              <input
                className="input"
                value={variables[v] ?? ''}
                readOnly={readOnly}
                onChange={(e) => onVariables({ ...variables, [v]: e.target.value })}
                aria-label={`Default of ${v}`}
              />
            </label>
          ))}
        </fieldset>
      )}

      <ChecksList checks={checks} />

      <section className="tpl-preview" aria-label="Preview" aria-busy={loading || stale} data-testid="template-preview">
        <div className="tpl-preview-head">
          <h3 className="section-title">Preview</h3>
          {(loading || stale) && body.trim() && <Spinner label="Updating…" />}
        </div>
        {failure && <p className="field-error">{failure}</p>}
        {!body.trim() ? (
          <p className="muted small">Write a message to see how it will look.</p>
        ) : preview ? (
          <>
            <div className="bubble" data-testid="preview-text">
              {preview.text || <span className="muted">—</span>}
            </div>
            {preview.samples.length > 1 && (
              <>
                <h4 className="tpl-subtitle">Three variations people may get</h4>
                <ol className="tpl-samples" data-testid="preview-samples">
                  {preview.samples.slice(0, 3).map((s, i) => (
                    <li key={i} className="bubble bubble-small">
                      {s}
                    </li>
                  ))}
                </ol>
              </>
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}

function ErrorLine({ error, body }: { error: TemplateError; body: string }) {
  const where = error.line ? `Line ${error.line}${error.column ? `, column ${error.column}` : ''}: ` : '';
  const already = /\bline \d+/i.test(error.message);
  const text = error.line ? body.split('\n')[error.line - 1] : undefined;
  return (
    <div className="tpl-error">
      <div>
        {already ? '' : where}
        {error.message}
      </div>
      {text !== undefined && error.column ? (
        <pre className="tpl-caret" aria-hidden="true">
          {text}
          {'\n'}
          {' '.repeat(Math.max(0, error.column - 1))}^
        </pre>
      ) : null}
    </div>
  );
}

/** Content checks: a block stops saving and launch; a warning is advice. Words and an icon, not colour alone. */
export function ChecksList({ checks }: { checks: Check[] }) {
  if (!checks.length) return null;
  const sorted = [...checks].sort((a, b) => (a.level === b.level ? 0 : a.level === 'block' ? -1 : 1));
  return (
    <ul className="checks" data-testid="content-checks" aria-label="Content checks">
      {sorted.map((c, i) => (
        <li key={`${c.code}-${i}`} className={`check check-${c.level}`} data-level={c.level} data-code={c.code}>
          <IconAlert size={16} />
          <span>
            <strong>{c.level === 'block' ? 'Must fix: ' : 'Warning: '}</strong>
            {c.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
