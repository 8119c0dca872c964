// Typed calls of the content calendar endpoints (docs/api.md, "Content calendar and channels").
import { API_BASE, ApiError, api } from '../../api';

export type PostKind = 'group_post' | 'channel_post' | 'community_announcement';

export interface CalendarEntry {
  id: number;
  name: string;
  kind: PostKind;
  template_id: number | null;
  body: string;
  media: { kind: 'image' | 'document' | 'video'; media_id?: number; url?: string; caption?: string } | null;
  poll: { question: string; options: string[]; multiple?: boolean } | null;
  targeting: { groups?: { ids?: number[]; filter?: Record<string, unknown> } };
  recurrence: { weekdays: number[]; time: string };
  group_weekly_cap: number;
  active: boolean;
}

export interface Occurrence {
  id: number;
  entry_id: number;
  entry_name: string;
  kind: PostKind;
  slot_day: string;
  date: string;
  time: string;
  planned_at: string;
  status: 'planned' | 'sent' | 'skipped' | 'failed' | 'nothing_to_send';
  body: string;
  edited: boolean;
  /** The post as its first group gets it (spintax picked, variables filled); null before it is planned. */
  sample: { text: string; group: string | null } | null;
  messages: { queued: number; sent: number; skipped: number; failed: number };
  excluded: { reason: string; count: number; message: string }[];
}

export interface Week {
  week_start: string;
  previous_week: string;
  next_week: string;
  today: string;
  time_zone: string;
  group_weekly_cap_max: number;
  days: { date: string; weekday: string }[];
  occurrences: Occurrence[];
  entries: CalendarEntry[];
}

export interface EntryInput {
  name: string;
  kind: PostKind;
  body: string;
  targeting: { groups: { ids?: number[]; filter?: Record<string, unknown> } };
  recurrence: { weekdays: number[]; time: string };
  group_weekly_cap: number;
  media?: CalendarEntry['media'];
  poll?: CalendarEntry['poll'];
}

const base = (pid: number) => `/projects/${pid}/calendar`;

export const calendarApi = {
  week: (pid: number, week?: string) => api.get<Week>(base(pid), { query: { week } }),
  createEntry: (pid: number, e: EntryInput) => api.post<CalendarEntry>(`${base(pid)}/entries`, e),
  updateEntry: (pid: number, id: number, e: Partial<EntryInput> & { active?: boolean }) =>
    api.patch<CalendarEntry>(`${base(pid)}/entries/${id}`, e),
  deleteEntry: (pid: number, id: number) => api.del(`${base(pid)}/entries/${id}`),
  updateOccurrence: (pid: number, id: number, patch: { date?: string; time?: string; body?: string }) =>
    api.patch<Occurrence>(`${base(pid)}/occurrences/${id}`, patch),
  skip: (pid: number, id: number) => api.post<Occurrence>(`${base(pid)}/occurrences/${id}/skip`, {}),
};

export const kindText: Record<PostKind, string> = {
  group_post: 'Group post',
  channel_post: 'Channel post',
  community_announcement: 'Community announcement',
};

export const statusText: Record<Occurrence['status'], { text: string; tone: 'gray' | 'green' | 'amber' | 'red' | 'blue' }> = {
  planned: { text: 'Planned', tone: 'blue' },
  sent: { text: 'Sent', tone: 'green' },
  skipped: { text: 'Skipped', tone: 'gray' },
  failed: { text: 'Not sent', tone: 'red' },
  nothing_to_send: { text: 'Nothing to send', tone: 'amber' },
};

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface Channel {
  id: number;
  wa_id: string;
  name: string;
  description: string;
  followers: number;
  ours: boolean;
  invite_link: string | null;
  synced_at: string | null;
  change_7d: number | null;
  change_30d: number | null;
  views: null;
  history: { date: string; followers: number }[];
}

export interface MediaFile {
  id: number;
  kind: 'image' | 'document' | 'video';
  mimetype: string;
  filename: string;
  size: number;
  created_at: string;
}

export const channelsApi = {
  list: (pid: number) => api.get<{ items: Channel[]; history_days: number; views_note: string }>(`/projects/${pid}/channels`),
  /** Uploads the file as its own body with its type; answers the stored file (201). */
  async upload(pid: number, file: File): Promise<MediaFile> {
    let res: Response;
    try {
      res = await fetch(`${API_BASE}/projects/${pid}/media?filename=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' },
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
    return body as MediaFile;
  },
};
