// Outgoing webhooks of the project (owners): add one, send a test event, read the delivery log; and
// the weekly report's downloads.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api';
import { Badge, Card } from '../../components/ui';
import { Field, FormError, errorFor } from '../../components/Field';
import { formatDateTime } from '../../components/format';
import { WEBHOOK_EVENT_TEXT, WEBHOOK_EVENTS, webhooksApi, type Delivery, type Webhook } from './api';

export function WebhooksCard({ projectId }: { projectId: number }) {
  const [items, setItems] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['lead.attributed']);
  const [err, setErr] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<Record<number, Delivery[]>>({});

  const load = useCallback(() => {
    webhooksApi.list(projectId).then((r) => setItems(r.items), (e) => setErr(e));
  }, [projectId]);
  useEffect(load, [load]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const w = await webhooksApi.create(projectId, { url, events });
      setSecret(w.secret ?? null);
      setUrl('');
      setErr(null);
      load();
    } catch (x) {
      setErr(x);
    }
  };
  const test = async (id: number) => {
    try {
      await webhooksApi.test(projectId, id);
    } catch (x) {
      setErr(x);
    }
    const d = await webhooksApi.deliveries(projectId, id);
    setLog((l) => ({ ...l, [id]: d.items.slice(0, 5) }));
  };
  const formError = err instanceof ApiError && (err.field === 'url' || err.field === 'events') ? null : err ? errorMessage(err) : null;

  return (
    <Card title="Webhooks" subtitle="Signed POSTs to your systems when a lead is attributed, a number is banned or a campaign ends">
      <form className="webhook-form" onSubmit={submit} noValidate>
        <Field label="URL" name="url" error={errorFor(err, 'url')}>
          {(id) => <input id={id} className="input" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://crm.example.com/hooks/sangam" />}
        </Field>
        <fieldset className="webhook-events">
          <legend className="field-label">Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="check">
              <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents((l) => (e.target.checked ? [...l, ev] : l.filter((x) => x !== ev)))} />
              <span>
                <code>{ev}</code> <span className="muted small">{WEBHOOK_EVENT_TEXT[ev]}</span>
              </span>
            </label>
          ))}
          {errorFor(err, 'events') && <div className="field-error" role="alert">{errorFor(err, 'events')}</div>}
        </fieldset>
        <button type="submit" className="btn btn-primary">
          Add webhook
        </button>
        <FormError>{formError}</FormError>
      </form>
      {secret && (
        <p className="webhook-secret" role="status">
          Signing secret (shown once): <code>{secret}</code>
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="webhook-list" data-testid="webhook-list">
          {items.map((w) => (
            <li key={w.id}>
              <div className="webhook-row">
                <span className="webhook-url">{w.url}</span>
                <span className="muted small">{w.events.join(', ')}</span>
                <button type="button" className="btn btn-sm" onClick={() => void test(w.id)}>
                  Send test event
                </button>
                <button type="button" className="btn btn-sm" onClick={() => void webhooksApi.remove(projectId, w.id).then(load)}>
                  Delete
                </button>
              </div>
              {log[w.id] && (
                <table className="table compact">
                  <caption className="sr-only">Recent deliveries to {w.url}</caption>
                  <thead>
                    <tr>
                      <th>Event</th>
                      <th>Status</th>
                      <th>HTTP</th>
                      <th className="right">ms</th>
                      <th>When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log[w.id]!.map((d) => (
                      <tr key={d.id}>
                        <td>{d.event}</td>
                        <td>
                          <Badge tone={d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'amber'}>{d.status}</Badge>
                        </td>
                        <td title={d.response ?? ''}>{d.last_status ?? '—'}</td>
                        <td className="right">{d.latency_ms ?? '—'}</td>
                        <td>{formatDateTime(d.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function WeeklyReportCard({ projectId }: { projectId: number }) {
  const base = `/api/v1/projects/${projectId}/analytics/weekly-report`;
  return (
    <Card title="Weekly report" subtitle="Best and worst campaigns, groups and posting hours of the last seven days, and numbers whose health is falling. Posted every Friday at 17:00 to webhooks that take report.weekly.">
      <div className="report-links">
        <a className="btn" href={`${base}?format=html`} download>
          Download HTML
        </a>
        <a className="btn" href={`${base}?format=csv`} download>
          Download CSV
        </a>
      </div>
    </Card>
  );
}
