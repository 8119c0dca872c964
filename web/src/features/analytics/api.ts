// Typed calls of the analytics and leads endpoints (docs/api.md, "Analytics").
import { api } from '../../api';

export interface KpiCard {
  key: string;
  label: string;
  value: number;
  previous: number | null;
  change_pct: number | null;
}
export interface DayPoint {
  day: string;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicks: number;
  leads: number;
  incoming: number;
}
export interface HourPoint {
  hour: number;
  sent: number;
  read: number;
  replied: number;
  incoming: number;
  read_rate: number;
}
export interface Overview {
  from: string;
  to: string;
  time_zone: string;
  kpis: { month: string; previous_month: string; cards: KpiCard[] };
  series: DayPoint[];
  hours: HourPoint[];
}
export interface CampaignRow {
  campaign_id: number;
  name: string;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicks: number;
  leads: number;
  failed: number;
  conversion: number;
  read_rate: number;
}
export interface AccountRow {
  account_id: number;
  phone: string;
  label: string;
  status: string;
  health: number;
  sent: number;
  delivered: number;
  delivery_rate: number;
  health_falling: boolean;
  history: { at: string; score: number }[];
}
export interface GroupRow {
  group_id: number;
  name: string;
  members: number;
  leads: number;
  conversion: number;
  posts: number;
  messages: number;
  replies: number;
  engagement: number;
  reach: { posts: number; delivered_pct: number; read_pct: number } | null;
}
export interface JourneyStep {
  kind: string;
  campaign_id: number | null;
  group_id: number | null;
  group_name: string | null;
  at: string;
}
export interface Lead {
  id: number;
  submission_id: string;
  source: 'form' | 'manual' | 'csv';
  phone: string;
  contact_id: number | null;
  form: string;
  product: string;
  quality: 'hot' | 'warm' | 'cold';
  submitted_at: string;
  campaign_id: number | null;
  first_campaign_id: number | null;
  source_group_id: number | null;
  touchpoints: number;
  days_to_convert: number | null;
  engagement: number;
  attribution: Record<'last_touch' | 'first_touch' | 'linear', { campaign_id: number; credit: number }[]>;
  journey: JourneyStep[];
}

const base = (pid: number) => `/projects/${pid}/analytics`;
export const analyticsApi = {
  overview: (pid: number, days: number) => api.get<Overview>(`${base(pid)}/overview`, { query: rangeQuery(days) }),
  campaigns: (pid: number, days: number) => api.get<{ items: CampaignRow[] }>(`${base(pid)}/campaigns`, { query: rangeQuery(days) }),
  accounts: (pid: number, days: number) => api.get<{ items: AccountRow[] }>(`${base(pid)}/accounts`, { query: rangeQuery(days) }),
  groups: (pid: number, days: number) => api.get<{ items: GroupRow[] }>(`${base(pid)}/groups`, { query: rangeQuery(days) }),
  leads: (pid: number) => api.get<{ items: Lead[] }>(`/projects/${pid}/leads`, { query: { limit: 20 } }),
};

// The server counts days in the project's time zone; "the last n days" ends today there.
function rangeQuery(days: number): Record<string, number> {
  return { days };
}

export const WEBHOOK_EVENTS = ['lead.attributed', 'account.banned', 'account.critical', 'campaign.completed', 'campaign.paused', 'report.weekly'] as const;
// What each event means, beside its name in the form.
export const WEBHOOK_EVENT_TEXT: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  'lead.attributed': 'a lead came in and was credited to a campaign',
  'account.banned': 'WhatsApp banned one of the numbers',
  'account.critical': "a number's health fell below 70",
  'campaign.completed': 'a campaign sent its last message',
  'campaign.paused': 'a campaign was paused, by a person or by the circuit breaker (with the reason)',
  'report.weekly': "the week's report, every Friday at 17:00",
};
export interface Webhook {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  created_at: string;
  secret?: string;
}
export interface Delivery {
  id: number;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_at: string | null;
  last_status: number | null;
  latency_ms: number | null;
  response: string | null;
  created_at: string;
}
export const webhooksApi = {
  list: (pid: number) => api.get<{ items: Webhook[] }>(`/projects/${pid}/webhooks`),
  create: (pid: number, body: { url: string; events: string[] }) => api.post<Webhook>(`/projects/${pid}/webhooks`, body),
  remove: (pid: number, id: number) => api.del(`/projects/${pid}/webhooks/${id}`),
  test: (pid: number, id: number) => api.post<Delivery>(`/projects/${pid}/webhooks/${id}/test`),
  deliveries: (pid: number, id: number) => api.get<{ items: Delivery[] }>(`/projects/${pid}/webhooks/${id}/deliveries`),
};
