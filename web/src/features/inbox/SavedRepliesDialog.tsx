// Saved replies (issue 10 item 2): canned answers with variables ({{first_name}}, {{project}}, …) and
// the keywords that make the inbox suggest one when a message contains them.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage, type Project } from '../../api';
import { ErrorBanner, Spinner } from '../../components/ui';
import { Modal } from '../../components/Modal';
import { inboxApi } from './api';

export function SavedRepliesDialog({ project, manage, onClose }: { project: Project; manage: boolean; onClose: () => void }) {
  const saved = useQuery({ queryKey: ['saved-replies', project.id], queryFn: () => inboxApi.savedReplies(project.id) });
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [keywords, setKeywords] = useState('');
  const [error, setError] = useState<{ field?: string; text: string } | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await inboxApi.createSaved(project.id, { name, body, keywords: keywords.split(',').map((k) => k.trim()).filter(Boolean) });
      setName('');
      setBody('');
      setKeywords('');
      void saved.refetch();
    } catch (err) {
      setError({ field: (err as { field?: string }).field, text: errorMessage(err) });
    }
  };

  const remove = async (id: number) => {
    try {
      await inboxApi.deleteSaved(project.id, id);
      void saved.refetch();
    } catch (err) {
      setError({ text: errorMessage(err) });
    }
  };

  return (
    <Modal title="Saved replies" onClose={onClose} width={620} testId="saved-replies-dialog">
      {saved.error ? (
        <ErrorBanner>{errorMessage(saved.error)}</ErrorBanner>
      ) : !saved.data ? (
        <Spinner label="Loading…" />
      ) : saved.data.items.length === 0 ? (
        <p className="muted">No saved replies yet.</p>
      ) : (
        <ul className="saved-list">
          {saved.data.items.map((r) => (
            <li key={r.id} className="saved-item">
              <div>
                <strong>{r.name}</strong>
                <p className="saved-body">{r.body}</p>
                {r.keywords.length > 0 && <p className="muted small">Suggested when a message says: {r.keywords.join(', ')}</p>}
              </div>
              {manage && (
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => void remove(r.id)} aria-label={`Delete ${r.name}`}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {manage && (
        <form className="saved-form" onSubmit={add}>
          <h3>New saved reply</h3>
          {error && !error.field && <ErrorBanner>{error.text}</ErrorBanner>}
          <div className={`field ${error?.field === 'name' ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="saved-name">Name</label>
            <input id="saved-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
            {error?.field === 'name' && <p className="field-error">{error.text}</p>}
          </div>
          <div className={`field ${error?.field === 'body' ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="saved-body">Text</label>
            <textarea id="saved-body" className="input" rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
            <p className="field-hint">
              Variables: {(saved.data?.variables ?? []).map((v) => `{{${v}}}`).join(' ')} — a fallback after a bar: {'{{first_name|there}}'}
            </p>
            {error?.field === 'body' && <p className="field-error">{error.text}</p>}
          </div>
          <div className={`field ${error?.field?.startsWith('keywords') ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="saved-keywords">Suggest when a message says (comma-separated)</label>
            <input id="saved-keywords" className="input" value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="price, how much" />
            {error?.field?.startsWith('keywords') && <p className="field-error">{error.text}</p>}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={!name.trim() || !body.trim()}>
              Save reply
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
