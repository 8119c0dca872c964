// Typed calls of the team inbox endpoints (docs/api.md, "Team inbox").
import { api } from '../../api';
import type { Consent } from '../contacts/api';

export interface Conversation {
  id: number;
  account: { id: number; label: string; phone: string };
  chat: string;
  kind: 'direct' | 'group';
  title: string;
  contact: { id: number; name: string; phone: string | null; consent: Consent; persona: string | null } | null;
  group: { id: number; name: string } | null;
  assignee: { id: number; name: string } | null;
  status: 'open' | 'done';
  unread: number;
  needs_reply: boolean;
  last_message_at: string;
  last_preview: string;
}

export type SendStatus = 'queued' | 'claimed' | 'sent' | 'unknown' | 'refused' | 'failed' | 'cancelled';

export interface Message {
  id: number;
  direction: 'in' | 'out';
  author: string;
  author_name: string;
  body: string;
  kind: string;
  at: string;
  context: { outbox_id: number; kind: string; campaign_id: number | null; text: string } | null;
  sent_by?: string;
  outbox_id?: number | null;
  send_status?: SendStatus;
  send_reason?: string | null;
}

export interface Suggestion {
  saved_reply_id: number;
  name: string;
  keyword: string;
  text: string;
}

export interface InboxPage {
  items: Conversation[];
  next_before: string | null;
  counts: { open: number; unread_conversations: number; unread_messages: number; needs_reply: number };
}

export interface Thread {
  conversation: Conversation;
  messages: Message[];
  next_before: string | null;
  suggestions: Suggestion[];
}

export interface UnknownSend {
  id: number;
  account: { id: number | null; label: string; phone: string };
  target: string;
  recipient: string;
  kind: string;
  text: string;
  reason: string;
  attempted_at: string | null;
  campaign_id: number | null;
  conversation_id: number | null;
}

export interface SavedReply {
  id: number;
  name: string;
  body: string;
  keywords: string[];
  updated_at: string;
}

export interface InboxFilters {
  status?: 'open' | 'done' | 'all';
  needs_reply?: 'true';
  account?: string;
  assignee?: string;
  consent?: string;
  q?: string;
}

const base = (pid: number) => `/projects/${pid}/inbox`;

export const inboxApi = {
  list: (pid: number, f: InboxFilters, before?: string) =>
    api.get<InboxPage>(base(pid), { query: { ...f, before, limit: 50 } }),
  thread: (pid: number, cid: number) => api.get<Thread>(`${base(pid)}/${cid}`, { query: { limit: 200 } }),
  reply: (pid: number, cid: number, body: { text?: string; saved_reply_id?: number; idempotency_key: string }) =>
    api.post<Message>(`${base(pid)}/${cid}/replies`, body),
  update: (pid: number, cid: number, patch: { assignee_id?: number | null; status?: 'open' | 'done'; read?: boolean }) =>
    api.patch<Conversation>(`${base(pid)}/${cid}`, patch),
  unknown: (pid: number) => api.get<{ items: UnknownSend[] }>(`${base(pid)}/unknown`),
  resolve: (pid: number, oid: number, action: 'mark_sent' | 'send_again') =>
    api.post<{ id: number; status: string; new_id?: number }>(`${base(pid)}/unknown/${oid}`, { action }),
  savedReplies: (pid: number) => api.get<{ items: SavedReply[]; variables: string[] }>(`${base(pid)}/saved-replies`),
  createSaved: (pid: number, r: { name: string; body: string; keywords: string[] }) =>
    api.post<SavedReply>(`${base(pid)}/saved-replies`, r),
  deleteSaved: (pid: number, id: number) => api.del(`${base(pid)}/saved-replies/${id}`),
};

/** What the team sees about one of our messages: words, not status codes. */
export function sendStatusText(m: Message): { text: string; tone: 'gray' | 'green' | 'amber' | 'red' } {
  switch (m.send_status) {
    case 'sent': return { text: 'Sent', tone: 'green' };
    case 'claimed': return { text: 'Sending…', tone: 'gray' };
    case 'unknown': return { text: 'Maybe not delivered — check the chat (Review)', tone: 'amber' };
    case 'refused': return { text: `Not sent: ${m.send_reason ?? 'refused'}`, tone: 'red' };
    case 'failed': return { text: `Not sent: ${m.send_reason ?? 'failed'}`, tone: 'red' };
    case 'cancelled': return { text: 'Replaced by a new attempt', tone: 'gray' };
    default: return { text: m.send_reason ? `Waiting to send: ${m.send_reason}` : 'Waiting to send', tone: 'gray' };
  }
}

export const contextKindText: Record<string, string> = {
  campaign: 'a campaign message',
  reply: 'our answer',
  opt_out_confirmation: 'our opt-out confirmation',
  welcome: 'a welcome message',
  post: 'a post',
};
