// Typed calls of the groups endpoints (docs/api.md, "Groups").
import { api } from '../../api';

export type GroupKind = 'group' | 'community' | 'announcement' | 'channel';
export type Phase = 'observation' | 'contribution' | 'value';
export const PHASES: Phase[] = ['observation', 'contribution', 'value'];

export interface GroupAccount {
  account_id: number;
  phone: string;
  label: string;
  is_admin: boolean;
  phase: Phase;
  phase_since: string;
  phase_manual: boolean;
  phases: Record<Phase, string | null>;
  joined_at: string;
  last_seen_at: string;
  in_group: boolean;
}

export interface Group {
  id: number;
  wa_id: string;
  kind: GroupKind;
  name: string;
  description: string;
  size: number;
  admins: number;
  lid_members: number;
  parent: { wa_id: string; id: number | null; name: string | null } | null;
  announce_only: boolean;
  invite_link: string | null;
  synced_at: string | null;
  accounts: GroupAccount[];
  activity: { days: number; messages: number; messages_per_day: number; active_members: number };
}

export interface GroupDetail extends Omit<Group, 'activity'> {
  members: { total: number; lid_only: number; admins: string[]; contacts_path: string };
  activity: {
    messages_7d: number;
    messages_30d: number;
    messages_per_day: number;
    active_members_peak_7d: number;
    days: { day: string; messages: number; active_members: number }[];
    keywords: { word: string; count: number }[];
    key_members: { member: string; phone: string | null; lid: string | null; name: string; messages: number; is_admin: boolean }[];
  };
}

export interface SyncRun {
  id: number;
  account_id: number;
  cause: 'link' | 'daily' | 'manual';
  status: 'running' | 'done' | 'failed';
  groups_total: number | null;
  groups_done: number;
  channels: number;
  members: number;
  pages: number;
  error: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface Join {
  id: number;
  account_id: number;
  invite_link: string;
  group_name: string | null;
  status: 'queued' | 'joining' | 'joined' | 'failed';
  day: string | null;
  run_after: string;
  group_id: number | null;
  reason: string | null;
  created_at: string;
  message?: string;
}

export interface GroupFilters {
  account?: number | '';
  phase?: Phase | '';
  admin?: 'true' | 'false' | '';
  kind?: GroupKind | '';
  q?: string;
  min_members?: number | '';
  min_messages?: number | '';
}

const base = (pid: number) => `/projects/${pid}/groups`;

export const groupsApi = {
  list: (pid: number, f: GroupFilters, limit = 200) =>
    api.get<{ items: Group[]; total: number }>(base(pid), { query: { ...f, limit } as Record<string, string | number> }),
  get: (pid: number, gid: number) => api.get<GroupDetail>(`${base(pid)}/${gid}`),
  sync: (pid: number) => api.get<{ items: SyncRun[] }>(`${base(pid)}/sync`),
  startSync: (pid: number, accountId?: number) =>
    api.post<{ items: SyncRun[] }>(`${base(pid)}/sync`, accountId ? { account_id: accountId } : {}),
  settings: (pid: number) => api.get<{ joins_per_day: number }>(`${base(pid)}/settings`),
  joins: (pid: number) => api.get<{ items: Join[] }>(`${base(pid)}/joins`),
  join: (pid: number, accountId: number, invite: string) =>
    api.post<Join & { already_member?: boolean }>(`/projects/${pid}/accounts/${accountId}/join`, { invite }),
  setPhase: (pid: number, gid: number, accountId: number, phase: Phase) =>
    api.patch<GroupDetail>(`${base(pid)}/${gid}/accounts/${accountId}`, { phase }),
};

export const phaseInfo: Record<Phase, { label: string; tone: 'gray' | 'blue' | 'green'; hint: string }> = {
  observation: { label: 'Observing', tone: 'gray', hint: 'Week 1: read, learn the group, do not post' },
  contribution: { label: 'Contributing', tone: 'blue', hint: 'Weeks 2–3: answer questions, be useful' },
  value: { label: 'Value posts', tone: 'green', hint: 'Week 4 on: share offers and content' },
};

export const kindLabel: Record<GroupKind, string> = {
  group: 'Group',
  community: 'Community',
  announcement: 'Announcements',
  channel: 'Channel',
};
