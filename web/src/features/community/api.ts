// Typed calls of the own-groups endpoints (docs/api.md, "Own groups"; issue 10 items 3-5, 7).
import { api } from '../../api';

export type GrowthPhaseName = 'foundation' | 'growth' | 'conversion';

export interface OwnGroup {
  group_id: number;
  wa_id: string;
  name: string;
  purpose: string;
  description: string;
  account: { id: number; phone: string; label: string };
  community: { wa_id: string; name: string | null } | null;
  members: number;
  full: boolean;
  announce_only: boolean;
  admins_add_only: boolean;
  left: boolean;
  invite_link: string | null;
  link_hidden: boolean;
  pending_requests: number;
  phase: { name: GrowthPhaseName; since: string; next_at: string | null; target_min: number; target_max: number; progress: number };
  created_at: string;
}

export interface PublicLink { url: string; target: { group_id: number; name: string; members: number } | null }

export interface Invite {
  id: number;
  contact: { id: number; phone: string; name: string | null };
  method: 'link' | 'add';
  status: 'queued' | 'adding' | 'added' | 'link_sent' | 'failed';
  status_text: string;
  reason: string | null;
  message_status: string | null;
  message_reason: string | null;
  planned_at: string;
  updated_at: string;
}

export interface JoinRequest {
  id: number;
  requester: string;
  phone: string | null;
  requested_at: string;
  status: 'pending' | 'approved' | 'rejected' | 'failed';
  by?: 'hand' | 'rule';
  decided_by?: number | null;
  rule?: string | null;
  reason?: string | null;
  decided_at?: string | null;
}

export interface JoinRule { enabled: boolean; countries: string[]; known_contacts_only: boolean; reject_others: boolean }
export interface OwnSettings { add_interval_seconds: number; adds_per_day: number; join_rule: JoinRule }

export interface ModerationEntry {
  id: number;
  author: string;
  message_id: string;
  body: string;
  rule: string;
  action: 'delete' | 'remove';
  dry_run: boolean;
  outcome: string | null;
  at: string;
}

export interface ModerationRules {
  links: boolean;
  forwarded_chains: boolean;
  banned_words: string[];
  patterns: string[];
  flood_messages: number;
  flood_minutes: number;
  strikes_to_remove: number;
  allow: string[];
}

const base = (pid: number) => `/projects/${pid}/own-groups`;

export const ownGroupsApi = {
  list: (pid: number) => api.get<{ items: OwnGroup[]; public_link: PublicLink }>(base(pid)),
  create: (pid: number, body: Record<string, unknown>) => api.post<OwnGroup>(base(pid), body),
  invites: (pid: number, gid: number) => api.get<{ items: Invite[] }>(`${base(pid)}/${gid}/invites`),
  invite: (pid: number, gid: number, contactIds: number[], method: 'link' | 'add') =>
    api.post<{ queued: { id: number; contact_id: number }[]; refused: { contact_id: number; reason: string }[] }>(`${base(pid)}/${gid}/invites`, {
      contact_ids: contactIds,
      method,
    }),
  showLink: (pid: number, gid: number) => api.post<OwnGroup>(`${base(pid)}/${gid}/link`, {}),
  rotateLink: (pid: number, gid: number) => api.post<OwnGroup>(`${base(pid)}/${gid}/link/rotate`, {}),
  revokeLink: (pid: number, gid: number) => api.post<OwnGroup>(`${base(pid)}/${gid}/link/revoke`, {}),
  requests: (pid: number, gid: number, refresh = false) =>
    api.get<{ pending: JoinRequest[]; log: JoinRequest[]; rule: JoinRule }>(`${base(pid)}/${gid}/requests`, { query: refresh ? { refresh: 1 } : {} }),
  decide: (pid: number, gid: number, rid: number, approve: boolean) =>
    api.post<{ id: number; status: string }>(`${base(pid)}/${gid}/requests/${rid}/${approve ? 'approve' : 'reject'}`, {}),
  applyRule: (pid: number, gid: number) => api.post<{ decided: unknown[] }>(`${base(pid)}/${gid}/requests/apply-rule`, {}),
  settings: (pid: number) => api.get<OwnSettings>(`${base(pid)}/settings`),
  putSettings: (pid: number, s: Partial<OwnSettings>) => api.put<OwnSettings>(`${base(pid)}/settings`, s),
  moderation: (pid: number, gid: number) => api.get<{ enabled: boolean; dry_run: boolean; rules: ModerationRules }>(`/projects/${pid}/groups/${gid}/moderation`),
  putModeration: (pid: number, gid: number, dryRun: boolean, rules: ModerationRules) =>
    api.put<{ enabled: boolean; dry_run: boolean; rules: ModerationRules }>(`/projects/${pid}/groups/${gid}/moderation`, { dry_run: dryRun, rules }),
  moderationLog: (pid: number, gid: number) => api.get<{ items: ModerationEntry[] }>(`/projects/${pid}/groups/${gid}/moderation/log`),
};

export const growthInfo: Record<GrowthPhaseName, { label: string; tone: 'blue' | 'violet' | 'green'; hint: string }> = {
  foundation: { label: 'Foundation', tone: 'blue', hint: 'Month 1: invite the 20–30 most engaged contacts, post value 3× a week, moderate actively' },
  growth: { label: 'Growth', tone: 'violet', hint: 'Months 2–3: members invite others, live Q&A, success stories; aim for 100–150 members' },
  conversion: { label: 'Conversion', tone: 'green', hint: 'Month 4 on: 80 % value, 20 % soft product mentions; group-exclusive trials' },
};
