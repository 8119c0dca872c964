// Contacts API (issue 7): search, detail, consent, erasure, CSV import jobs and export.
import { API_BASE, ApiError, api } from '../../api';

export type Consent = 'unknown' | 'engaged' | 'opted_in' | 'opted_out';
export const CONSENTS: Consent[] = ['unknown', 'engaged', 'opted_in', 'opted_out'];

export interface ContactRow {
  id: number;
  phone: string | null;
  lid: string | null;
  name: string;
  consent: Consent;
  persona: string | null;
  persona_confidence: number;
  engagement: number;
  region: string | null;
  tags: string[];
}

export interface ContactDetail extends ContactRow {
  push_name: string;
  persona_manual: boolean;
  attributes: Record<string, unknown>;
  source: string;
  created_at: string;
  memberships: { group_id: number; account_id: number | null; is_admin: boolean; first_seen: string; last_seen: string }[];
  consent_history: { from: Consent; to: Consent; source: string; evidence: Record<string, unknown>; actor: string; at: string }[];
  messages: { id: number; kind: string; status: string; planned_at: string }[];
}

export interface ContactFilters {
  q?: string;
  /** Members of one group (the group drawer's "See the members" link: ?group=ID). */
  group?: string;
  consent?: string;
  persona?: string;
  region?: string;
  tag?: string;
  min_engagement?: string;
  sort?: string;
}

export interface ContactPage {
  items: ContactRow[];
  total: number;
  /** More than 10,000 matched: `total` is the cap, shown as "10,000+". */
  total_capped?: boolean;
  next_cursor: string | null;
}

export interface Job {
  id: number;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total: number | null };
  counts: Record<string, number>;
  rejected: { line: number; reason: string }[];
  error: string | null;
  format?: string;
}

const base = (pid: number) => `/projects/${pid}/contacts`;

export function filterQuery(f: ContactFilters, extra: Record<string, string> = {}): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) q[k] = v;
  return q;
}

export const contactsApi = {
  search: (pid: number, f: ContactFilters, cursor?: string | null, signal?: AbortSignal) =>
    api.get<ContactPage>(base(pid), { query: filterQuery(f, cursor ? { cursor, limit: '50' } : { limit: '50' }), signal }),
  get: (pid: number, cid: number) => api.get<ContactDetail>(`${base(pid)}/${cid}`),
  consent: (pid: number, cid: number, state: Consent, evidence: Record<string, string>) =>
    api.post<ContactDetail>(`${base(pid)}/${cid}/consent`, { state, evidence }),
  erase: (pid: number, cid: number) => api.del(`${base(pid)}/${cid}`),
  job: (pid: number, jobId: number) => api.get<Job>(`/projects/${pid}/jobs/${jobId}`),
  exportUrl: (pid: number, f: ContactFilters) => {
    const qs = new URLSearchParams(filterQuery(f)).toString();
    return `${API_BASE}${base(pid)}/export${qs ? `?${qs}` : ''}`;
  },
  /** Uploads the file as a text/csv body; answers the job (202). */
  async importCsv(pid: number, file: File): Promise<Job> {
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${base(pid)}/import`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
        body: file,
      });
    } catch {
      throw new ApiError(0, 'network_error', 'Cannot reach the Sangam server. Check your connection and try again.');
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const e = body?.error;
      throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.field);
    }
    return body as Job;
  },
};

export const consentInfo: Record<Consent, { label: string; tone: 'gray' | 'blue' | 'green' | 'red' }> = {
  unknown: { label: 'Unknown', tone: 'gray' },
  engaged: { label: 'Engaged', tone: 'blue' },
  opted_in: { label: 'Opted in', tone: 'green' },
  opted_out: { label: 'Opted out', tone: 'red' },
};
