// CSV import: choose a file, upload it, follow the job's progress live (job.progress events, and a
// poll every second in case the socket is down), then the counts and every rejected line.
import { useEffect, useState } from 'react';
import { errorMessage, type Project } from '../../api';
import { FormError } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { useLiveEvents } from '../../live';
import { contactsApi, type Job } from './api';

export function ImportDialog({ project, onClose, onDone }: { project: Project; onClose: () => void; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const finished = job?.status === 'succeeded' || job?.status === 'failed';

  const refresh = async (id: number) => {
    try {
      const j = await contactsApi.job(project.id, id);
      setJob(j);
      if (j.status === 'succeeded' || j.status === 'failed') onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  useLiveEvents((ev) => {
    if (job && !finished && ev.project_id === project.id && ev.event === 'job.progress' && (ev.data as { id?: number })?.id === job.id)
      void refresh(job.id);
  });

  useEffect(() => {
    if (!job || finished) return;
    const t = setInterval(() => void refresh(job.id), 1000);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.id, finished]);

  const start = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const j = await contactsApi.importCsv(project.id, file);
      setJob(j);
      void refresh(j.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const done = job?.progress.done ?? 0;
  const total = job?.progress.total ?? null;
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <Modal
      title="Import contacts from a CSV"
      onClose={onClose}
      width={640}
      testId="import-dialog"
      footer={
        job ? (
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="import-close">
            {finished ? 'Close' : 'Hide (keeps running)'}
          </button>
        ) : (
          <>
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={!file || busy} onClick={() => void start()} data-testid="import-start">
              {busy ? 'Uploading…' : 'Import'}
            </button>
          </>
        )
      }
    >
      {!job && (
        <>
          <p className="muted small">
            A header row with a phone column (phone, mobile, whatsapp or number) is needed; name, tags, persona, region, consent and
            consent_source are optional, other columns are kept as attributes. Google Contacts and Outlook exports work as they are.
          </p>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
        </>
      )}
      <FormError>{error}</FormError>
      {job && (
        <div data-testid="import-progress">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <div className="progress-bar" style={{ width: `${finished ? 100 : pct}%` }} />
          </div>
          <p className="small" data-testid="import-status">
            {job.status === 'failed'
              ? `Failed: ${job.error}`
              : finished
                ? `Done: ${job.counts.created ?? 0} new, ${job.counts.updated ?? 0} updated, ${job.counts.rejected ?? 0} rejected.`
                : `${done.toLocaleString('en-IN')} of ${total?.toLocaleString('en-IN') ?? '?'} rows…`}
          </p>
          {job.rejected.length > 0 && (
            <div className="table-scroll" style={{ maxHeight: 260 }}>
              <table className="table" data-testid="import-rejected">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Why it was not imported</th>
                  </tr>
                </thead>
                <tbody>
                  {job.rejected.map((r) => (
                    <tr key={r.line}>
                      <td className="mono">{r.line}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
