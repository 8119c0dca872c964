// Typed calls of the campaigns and templates endpoints (docs/api.md, "Campaigns" and "Templates"), and
// the words the pages show for their codes: statuses, kinds, message states and skip reasons.
import { api } from '../../api';

export interface Check {
  code: string;
  level: 'warning' | 'block';
  message: string;
  field?: string;
}

export interface TemplateError {
  field: string;
  message: string;
  line?: number;
  column?: number;
}

export type MediaKind = 'image' | 'document' | 'video';
export interface Media {
  kind: MediaKind;
  url: string;
  caption?: string;
}
export interface Poll {
  question: string;
  options: string[];
  multiple: boolean;
}

export interface Template {
  id: number;
  project_id: number;
  name: string;
  body: string;
  variables: Record<string, string>;
  media: Media | null;
  poll: Poll | null;
  checks: Check[];
  created_at: string;
  updated_at: string;
}

export type TemplateInput = Pick<Template, 'name' | 'body' | 'variables' | 'media' | 'poll'>;

export interface TemplatePreview {
  text: string;
  samples: string[];
  checks: Check[];
  errors: TemplateError[];
}

export type CampaignKind = 'group_post' | 'channel_post' | 'community_announcement' | 'direct';
export const KINDS: CampaignKind[] = ['group_post', 'channel_post', 'community_announcement', 'direct'];
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
export const STATUSES: CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'];

export interface GroupFilter {
  persona?: string;
  region?: string;
  account_id?: number;
  phase?: string;
  min_messages_per_day?: number;
}
export interface ContactFilter {
  persona?: string;
  min_confidence?: number;
  region?: string;
  tags?: string[];
  min_engagement?: number;
  not_contacted_days?: number;
  consent?: ('opted_in' | 'engaged')[];
}
export interface Targeting {
  groups?: { ids?: number[]; filter?: GroupFilter };
  contacts?: { filter: ContactFilter };
}
export interface Schedule {
  /** null: as soon as it is launched. */
  start_date: string | null;
  end_date: string | null;
  per_day_cap: number | null;
  account_ids: number[] | null;
}
export interface Progress {
  planned: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  queued: number;
  unknown: number;
  /** Messages dropped by a cancel. */
  cancelled?: number;
}

export interface Campaign {
  id: number;
  project_id: number;
  name: string;
  kind: CampaignKind;
  status: CampaignStatus;
  status_reason: string | null;
  template_id: number | null;
  body: string;
  variables: Record<string, string>;
  targeting: Targeting;
  schedule: Schedule;
  progress: Progress;
  created_at: string;
  updated_at: string;
  launched_at: string | null;
  completed_at: string | null;
}

export type CampaignInput = Pick<Campaign, 'name' | 'kind' | 'template_id' | 'body' | 'variables' | 'targeting' | 'schedule'>;

export interface PlanDay {
  date: string;
  accounts: { account_id: number; phone: string; name: string; count: number }[];
}
export interface CampaignPreview {
  targets: { selected: number; excluded: { reason: string; count: number; message: string }[] };
  plan: { total: number; first_at: string | null; last_at: string | null; days: PlanDay[] };
  checks: Check[];
  errors: { field: string; message: string }[];
}

export type MessageStatus =
  | 'queued'
  | 'claimed'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'replied'
  | 'failed'
  | 'refused'
  | 'unknown'
  | 'cancelled'
  | 'skipped';
export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'claimed', 'sent', 'delivered', 'read', 'replied', 'failed', 'refused', 'unknown', 'cancelled', 'skipped'];

export interface CampaignMessage {
  id: number;
  target: string;
  target_name: string | null;
  contact_id: number | null;
  group_id: number | null;
  account_id: number | null;
  account_phone: string | null;
  planned_at: string | null;
  status: MessageStatus;
  reason: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
}

export interface CampaignProgressEvent {
  campaign_id: number;
  status: CampaignStatus;
  status_reason: string | null;
  progress: Progress;
}

const camp = (pid: number) => `/projects/${pid}/campaigns`;
const tmpl = (pid: number) => `/projects/${pid}/templates`;

export const campaignsApi = {
  list: (pid: number, f: { status?: string; kind?: string } = {}) => api.get<{ items: Campaign[] }>(camp(pid), { query: f }),
  get: (pid: number, cid: number) => api.get<Campaign>(`${camp(pid)}/${cid}`),
  create: (pid: number, c: CampaignInput) => api.post<Campaign>(camp(pid), c),
  update: (pid: number, cid: number, c: Partial<CampaignInput>) => api.patch<Campaign>(`${camp(pid)}/${cid}`, c),
  remove: (pid: number, cid: number) => api.del(`${camp(pid)}/${cid}`),
  estimate: (pid: number, c: CampaignInput, signal?: AbortSignal) => api.post<CampaignPreview>(`${camp(pid)}/estimate`, c, { signal }),
  preview: (pid: number, cid: number) => api.get<CampaignPreview>(`${camp(pid)}/${cid}/preview`),
  action: (pid: number, cid: number, action: 'launch' | 'pause' | 'resume' | 'cancel') => api.post<Campaign>(`${camp(pid)}/${cid}/${action}`),
  messages: (pid: number, cid: number, f: { status?: string; cursor?: string | null; limit?: number }) =>
    api.get<{ items: CampaignMessage[]; next_cursor: string | null }>(`${camp(pid)}/${cid}/messages`, {
      query: { status: f.status, cursor: f.cursor ?? undefined, limit: f.limit ?? 50 },
    }),
};

export const templatesApi = {
  list: (pid: number) => api.get<{ items: Template[] }>(tmpl(pid)),
  get: (pid: number, tid: number) => api.get<Template>(`${tmpl(pid)}/${tid}`),
  create: (pid: number, t: TemplateInput) => api.post<Template>(tmpl(pid), t),
  update: (pid: number, tid: number, t: Partial<TemplateInput>) => api.patch<Template>(`${tmpl(pid)}/${tid}`, t),
  remove: (pid: number, tid: number) => api.del(`${tmpl(pid)}/${tid}`),
  preview: (pid: number, body: { body: string; variables?: Record<string, string>; contact_id?: number; group_id?: number }, signal?: AbortSignal) =>
    api.post<TemplatePreview>(`${tmpl(pid)}/preview`, body, { signal }),
};

type Tone = 'green' | 'blue' | 'violet' | 'gray' | 'amber' | 'red';

/** Each status has a word, a colour and an icon name, so colour never carries the state alone. */
export const statusInfo: Record<CampaignStatus, { label: string; tone: Tone; hint: string }> = {
  draft: { label: 'Draft', tone: 'gray', hint: 'Being prepared; nothing is sent until it is launched.' },
  scheduled: { label: 'Scheduled', tone: 'violet', hint: 'Launched; sending starts on the start date.' },
  running: { label: 'Sending', tone: 'blue', hint: 'Messages are going out within the safety limits.' },
  paused: { label: 'Paused', tone: 'amber', hint: 'Nothing is sent until someone resumes it.' },
  completed: { label: 'Completed', tone: 'green', hint: 'Every planned message was sent or settled.' },
  cancelled: { label: 'Cancelled', tone: 'red', hint: 'Stopped for good; queued messages were dropped.' },
};

export const kindInfo: Record<CampaignKind, { label: string; hint: string; targets: 'groups' | 'contacts' }> = {
  group_post: { label: 'Group post', hint: 'A post in WhatsApp groups where our numbers are in the value phase.', targets: 'groups' },
  channel_post: { label: 'Channel post', hint: 'An update in channels our numbers administer.', targets: 'groups' },
  community_announcement: { label: 'Community announcement', hint: 'An announcement in communities our numbers administer.', targets: 'groups' },
  direct: { label: 'Direct message', hint: 'One-to-one follow-ups, only to contacts who opted in or wrote to us first.', targets: 'contacts' },
};

export const messageStatusInfo: Record<MessageStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'gray' },
  claimed: { label: 'Sending now', tone: 'blue' },
  sent: { label: 'Sent', tone: 'blue' },
  delivered: { label: 'Delivered', tone: 'green' },
  read: { label: 'Read', tone: 'green' },
  replied: { label: 'Replied', tone: 'violet' },
  failed: { label: 'Failed', tone: 'red' },
  refused: { label: 'Refused by WhatsApp', tone: 'red' },
  unknown: { label: 'Needs review', tone: 'amber' },
  cancelled: { label: 'Cancelled', tone: 'gray' },
  skipped: { label: 'Skipped', tone: 'amber' },
};

/** Reasons a message was skipped, failed, or a campaign paused itself, in words. */
const reasonWords: Record<string, string> = {
  opted_out: 'The contact opted out of messages.',
  consent_unknown: 'The contact never opted in or wrote to us, so no one-to-one message is allowed.',
  unknown_consent: 'The contact never opted in or wrote to us, so no one-to-one message is allowed.',
  suppressed: 'The number is on the do-not-contact list.',
  no_eligible_account: 'None of our numbers could reach this target.',
  no_account: 'None of our numbers could reach this target.',
  not_member: 'None of our numbers is a member of this group.',
  phase_not_value: 'Our numbers are not yet in the value-post phase in this group.',
  phase: 'Our numbers are not yet in the value-post phase in this group.',
  not_admin: 'Our numbers are not admins here, so they cannot post.',
  limit_reached: "The number's daily limit was reached.",
  daily_limit: "The number's daily limit was reached.",
  outside_window: 'Outside the project’s working hours.',
  rate_limited: 'WhatsApp asked us to slow down; the number is cooling down.',
  unreachable: 'The target could not be reached after every retry and every eligible number.',
  duplicate: 'Already messaged by this campaign.',
  recently_contacted: 'Contacted too recently.',
  account_banned: 'The sending number was banned.',
  timeout: 'The send timed out; whether it left is being checked.',
  no_connector: 'No connector was running when the message was sent; whether it left is being checked.',
  circuit_breaker: 'Paused itself: two sending numbers were banned or went critical.',
  accounts_banned: 'Paused itself: two sending numbers were banned or went critical.',
  block_signals: 'Paused itself: too many people blocked or reported the messages.',
  user: 'Paused by a person.',
  not_value_phase: 'None of our numbers in the group is in its value-posts phase yet.',
  admin_only: 'Only admins may post there, and none of our numbers in it is an admin.',
  no_member_account: 'None of our numbers is in the group any more.',
  consent_filter: 'Their consent is not among the states the filter asks for.',
  no_phone: 'Known only by a WhatsApp id, without a phone number.',
  past_end_date: 'The daily capacity runs out before the end date.',
  cancelled: 'The campaign was cancelled.',
};

/** A code like "not_member" in words; a reason that is already a sentence is shown as it is. */
export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  const known = reasonWords[reason];
  if (known) return known;
  if (/\s/.test(reason)) return reason.charAt(0).toUpperCase() + reason.slice(1);
  const words = reason.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1) + '.';
}

/** "Dec 8, 2026" for a schedule's YYYY-MM-DD (a project day: shown as written, not shifted by zones). */
export function dayText(day: string | null | undefined): string | null {
  if (!day) return null;
  const d = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export const emptyProgress: Progress = { planned: 0, sent: 0, delivered: 0, read: 0, replied: 0, failed: 0, skipped: 0, queued: 0, unknown: 0 };

/**
 * The progress bar's parts. The server counts `sent` as every message that left, with delivered, read
 * and replied as subsets of it (sent ≥ delivered ≥ read); were the counts ever exclusive instead, they
 * would add up to `planned` — that sum tells which, so the bar is right either way.
 */
export function progressParts(p: Progress) {
  const total = Math.max(p.planned, 1);
  const cancelled = p.cancelled ?? 0;
  const sum = p.sent + p.delivered + p.read + p.replied + p.failed + p.skipped + p.queued + p.unknown + cancelled;
  const nested = sum > p.planned;
  const reached = nested ? Math.min(p.delivered, p.sent) : p.delivered + p.read + p.replied;
  const sentOnly = nested ? p.sent - reached : p.sent;
  const segments = [
    { key: 'reached', label: 'Delivered', value: reached, tone: 'green' as const },
    { key: 'sent', label: 'Sent, not yet delivered', value: sentOnly, tone: 'blue' as const },
    { key: 'unknown', label: 'Needs review', value: p.unknown, tone: 'amber' as const },
    { key: 'skipped', label: 'Skipped', value: p.skipped + cancelled, tone: 'gray' as const },
    { key: 'failed', label: 'Failed', value: p.failed, tone: 'red' as const },
  ].map((s) => ({ ...s, width: (100 * s.value) / total }));
  const done = reached + sentOnly + p.unknown + p.skipped + cancelled + p.failed;
  return { pct: p.planned ? Math.min(100, Math.round((100 * done) / total)) : 0, done, segments };
}
