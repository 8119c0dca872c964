// Contacts of a project (issue 7 item 12): filters answered by the server (fast at 1M contacts: each
// filter is an index range, pages of 50 by keyset), the total, CSV import with live progress and the
// rejected-rows report, CSV export of the filtered list, and the contact detail (?contact=ID).
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, type Project } from '../../api';
import { Badge, EmptyState, ErrorBanner, PageHeader, Card, Spinner } from '../../components/ui';
import { useLiveEvents } from '../../live';
import { CONSENTS, consentInfo, contactsApi, type ContactFilters, type ContactRow } from './api';
import { IconX } from '../../components/Icons';
import { groupsApi } from '../groups/api';
import { ContactDrawer } from './ContactDrawer';
import { ImportDialog } from './ImportDialog';

function contactFromUrl(): number | null {
  const v = new URLSearchParams(location.search).get('contact');
  return v && /^\d+$/.test(v) ? Number(v) : null;
}

function groupFromUrl(): string | undefined {
  const v = new URLSearchParams(location.search).get('group');
  return v && /^\d+$/.test(v) ? v : undefined;
}

function showContact(id: number | null) {
  const url = new URL(location.href);
  if (id === null) url.searchParams.delete('contact');
  else url.searchParams.set('contact', String(id));
  history.replaceState(null, '', url.pathname + url.search);
}

export function ContactsPage({ project }: { project: Project }) {
  const manage = project.role === 'owner' || project.role === 'manager';
  const [filters, setFilters] = useState<ContactFilters>(() => ({ group: groupFromUrl() }));
  const [groupName, setGroupName] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [items, setItems] = useState<ContactRow[] | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [capped, setCapped] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [importing, setImporting] = useState(false);
  const [detail, setDetail] = useState<number | null>(contactFromUrl());
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const page = await contactsApi.search(project.id, filters);
      if (mine !== seq.current) return;
      setItems(page.items);
      setTotal(page.total);
      setCapped(!!page.total_capped);
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(errorMessage(e));
    }
  }, [project.id, filters]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!filters.group) return;
    let live = true;
    groupsApi.get(project.id, Number(filters.group)).then((g) => live && setGroupName(g.name), () => live && setGroupName(null));
    return () => {
      live = false;
    };
  }, [project.id, filters.group]);

  const clearGroup = () => {
    setFilters((f) => ({ ...f, group: undefined }));
    const url = new URL(location.href);
    url.searchParams.delete('group');
    history.replaceState(null, '', url.pathname + url.search);
  };

  // Typing in the search box waits 250 ms before it asks the server.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === (draft || undefined) ? f : { ...f, q: draft || undefined })), 250);
    return () => clearTimeout(t);
  }, [draft]);

  useLiveEvents((ev) => {
    if (ev.project_id === project.id && ev.event === 'contact.consent') void load();
  });

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await contactsApi.search(project.id, filters, cursor);
      setItems((prev) => [...(prev ?? []), ...page.items]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const set = (k: keyof ContactFilters) => (v: string) => setFilters((f) => ({ ...f, [k]: v || undefined }));
  const open = (id: number | null) => {
    setDetail(id);
    showContact(id);
  };

  return (
    <div className="page wide">
      <PageHeader
        title="Contacts"
        subtitle={`The people of ${project.name}: from your groups and your imports, with what each has agreed to.`}
        actions={
          <div className="row-actions">
            <a className="btn btn-secondary" href={contactsApi.exportUrl(project.id, filters)} download data-testid="export-contacts">
              Export CSV
            </a>
            {manage && (
              <button type="button" className="btn btn-primary" onClick={() => setImporting(true)} data-testid="import-contacts">
                Import CSV
              </button>
            )}
          </div>
        }
      />

      <Card>
        <div className="filter-bar" data-testid="contact-filters">
          <input
            className="input"
            type="search"
            placeholder="Name or phone"
            aria-label="Search by name or phone"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="contact-search"
          />
          <select className="select" aria-label="Consent" value={filters.consent ?? ''} onChange={(e) => set('consent')(e.target.value)} data-testid="filter-consent">
            <option value="">Any consent</option>
            {CONSENTS.map((c) => (
              <option key={c} value={c}>
                {consentInfo[c].label}
              </option>
            ))}
          </select>
          <select className="select" aria-label="Persona" value={filters.persona ?? ''} onChange={(e) => set('persona')(e.target.value)}>
            <option value="">Any persona</option>
            {project.personas.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <select className="select" aria-label="Region" value={filters.region ?? ''} onChange={(e) => set('region')(e.target.value)}>
            <option value="">Any region</option>
            {project.regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <input className="input" placeholder="Tag" aria-label="Tag" value={filters.tag ?? ''} onChange={(e) => set('tag')(e.target.value.trim())} />
          <select className="select" aria-label="Sort" value={filters.sort ?? 'id'} onChange={(e) => set('sort')(e.target.value === 'id' ? '' : e.target.value)}>
            <option value="id">Oldest first</option>
            <option value="-id">Newest first</option>
            <option value="name">Name</option>
            <option value="-engagement">Most engaged</option>
          </select>
          {filters.group && (
            <span className="chip" data-testid="filter-group">
              Members of {groupName ?? 'one group'}
              <button type="button" className="chip-x" aria-label="Show contacts of every group" onClick={clearGroup}>
                <IconX />
              </button>
            </span>
          )}
        </div>
      </Card>

      {error && <ErrorBanner title="Could not load the contacts.">{error}</ErrorBanner>}

      <Card
        flush
        title={
          <span className="title-with-count" data-testid="contacts-total">
            {total === null ? 'Contacts' : `${total.toLocaleString('en-IN')}${capped ? '+' : ''} ${total === 1 && !capped ? 'contact' : 'contacts'}`}
          </span>
        }
      >
        {items === null ? (
          <Spinner label="Loading contacts…" />
        ) : items.length === 0 ? (
          <EmptyState title={Object.values(filters).some(Boolean) ? 'No contact matches these filters' : 'No contacts yet'}>
            Contacts come from the members of your groups and from CSV imports.
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="contacts-table">
              <thead>
                <tr>
                  <th>Contact</th>
                  <th>Consent</th>
                  <th>Persona</th>
                  <th>Region</th>
                  <th className="right">Engagement</th>
                  <th>Tags</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <button type="button" className="account-cell" onClick={() => open(c.id)} title="Show details">
                        <span className="account-label">{c.name || <span className="muted">No name</span>}</span>
                        <span className="muted small mono">{c.phone ?? `${c.lid} (no phone yet)`}</span>
                      </button>
                    </td>
                    <td>
                      <Badge tone={consentInfo[c.consent].tone}>{consentInfo[c.consent].label}</Badge>
                    </td>
                    <td>{c.persona ? `${c.persona} · ${c.persona_confidence}` : <span className="muted">—</span>}</td>
                    <td>{c.region ?? <span className="muted">—</span>}</td>
                    <td className="right mono">{c.engagement.toFixed(1)}</td>
                    <td className="small">{c.tags.join(', ') || <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && (
          <div className="card-footer">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void more()} disabled={loadingMore} data-testid="more-contacts">
              {loadingMore ? 'Loading…' : `Show more (${items?.length ?? 0} of ${total?.toLocaleString('en-IN') ?? '?'}${capped ? '+' : ''})`}
            </button>
          </div>
        )}
      </Card>

      {importing && <ImportDialog project={project} onClose={() => setImporting(false)} onDone={() => void load()} />}
      {detail !== null && <ContactDrawer project={project} contactId={detail} manage={manage} onClose={() => open(null)} onChanged={() => void load()} />}
    </div>
  );
}
