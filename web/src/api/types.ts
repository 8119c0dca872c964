// Objects of the Sangam HTTP API v1 (docs/api.md).

export type Role = 'owner' | 'manager' | 'viewer';
export const ROLES: Role[] = ['owner', 'manager', 'viewer'];

export interface User {
  id: number;
  email: string;
  name: string;
  is_admin: boolean;
  disabled: boolean;
  created_at: string;
}

export interface Membership {
  project_id: number;
  role: Role;
}

export interface Me {
  user: User;
  memberships: Membership[];
}

export interface Token {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  /** Present once, in the response to the creating POST. */
  token?: string;
}

export interface WorkingWindow {
  start: string;
  end: string;
}

export interface Project {
  id: number;
  name: string;
  slug: string;
  time_zone: string;
  default_region: string;
  working_hours: WorkingWindow[];
  weekend_factor: number;
  regions: string[];
  personas: string[];
  created_at: string;
  updated_at: string;
  /** The caller's role in this project (admins see every project as owner). */
  role: Role;
}

/** Fields a client may send when creating or patching a project. */
export type ProjectInput = Partial<
  Pick<
    Project,
    'name' | 'slug' | 'time_zone' | 'default_region' | 'working_hours' | 'weekend_factor' | 'regions' | 'personas'
  >
>;

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: Role;
  added_at: string;
}

export interface AuditItem {
  id: number;
  at: string;
  actor: { id: number; email: string } | null;
  action: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface List<T> {
  items: T[];
}

export interface AuditPage extends List<AuditItem> {
  next_before: number | null;
}

// ---------- WhatsApp accounts (issue 3) ----------

export type AccountEngine = 'webjs' | 'sim';
export const ACCOUNT_ENGINES: AccountEngine[] = ['webjs', 'sim'];

export type AccountRole = 'production' | 'backup' | 'warmup';
export const ACCOUNT_ROLES: AccountRole[] = ['production', 'backup', 'warmup'];

export type AccountStatus =
  | 'new'
  | 'linking'
  | 'active'
  | 'standby'
  | 'warming'
  | 'cooling'
  | 'disconnected'
  | 'banned'
  | 'retired';
export const ACCOUNT_STATUSES: AccountStatus[] = [
  'new',
  'linking',
  'active',
  'standby',
  'warming',
  'cooling',
  'disconnected',
  'banned',
  'retired',
];

export type HealthLevel = 'healthy' | 'warning' | 'critical';

export interface Account {
  id: number;
  project_id: number;
  /** E.164, e.g. "+919876543210". */
  phone: string;
  label: string;
  engine: AccountEngine;
  role: AccountRole;
  status: AccountStatus;
  /** 0–100. */
  health: number;
  health_level: HealthLevel;
  usage_today: number;
  /** What it may send today (a warming number follows the warm-up ramp). */
  daily_limit: number;
  /** The limit a person set; absent from older servers. */
  daily_limit_setting?: number;
  linked_at: string | null;
  last_activity_at: string | null;
  warmup_day: number | null;
  status_reason: string | null;
  connector_id: string | number | null;
  created_at: string;
  updated_at: string;
}

export interface AccountCreate {
  phone: string;
  label?: string;
  engine?: AccountEngine;
  role?: AccountRole;
  daily_limit?: number;
}

export type AccountPatch = Partial<Pick<Account, 'label' | 'role' | 'daily_limit'>>;

/** Targets of POST …/transition. */
export type AccountTransition = 'cooling' | 'active' | 'standby' | 'warming' | 'retired';

export type LinkMethod = 'qr' | 'pairing_code';

export interface QrItem {
  kind: 'qr' | 'pairing_code';
  value: string;
  at: string;
}

export interface AccountHealth {
  score: number;
  level: HealthLevel;
  /** Points out of 40. */
  connection: number;
  /** Points out of 30. */
  delivery: number;
  /** Points out of 30. */
  behaviour: number;
  history: { at: string; score: number }[];
}

export type SimAction = 'scan' | 'disconnect' | 'ban' | 'incoming';

/** Data of the `account.qr` WebSocket event. */
export interface AccountQrEvent {
  account_id: number;
  kind: 'qr' | 'pairing_code';
  value: string;
  attempt: number;
}

export type AlertSeverity = 'critical' | 'warning' | 'info';

export type AlertKind =
  | 'account_banned'
  | 'health_critical'
  | 'account_disconnected'
  | 'relink_needed'
  | 'connector_crashed'
  | 'account_error'
  | 'session_corrupt'
  | 'phone_inactive'
  | 'connector_refused';

export interface Alert {
  id: number;
  project_id: number;
  account_id: number | null;
  /** One of AlertKind; kept open to strings so a newer server's kinds still render. */
  kind: AlertKind | (string & {});
  severity: AlertSeverity;
  message: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: { id: number; email: string } | null;
}

/** A connector process attached to the core's bridge (GET /connectors, admins only). */
export interface Connector {
  id: string;
  connected: boolean;
  pid: number;
  version: string;
  /** Engines it hosts, e.g. ["webjs", "sim"]. */
  engines: string[];
  /** How many accounts it hosts now. */
  accounts: number;
  connected_at: string;
}

/** An invitation to a project (owners); `token` only in the creating POST's answer. */
export interface Invitation {
  id: number;
  project_id: number;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  state: 'pending' | 'accepted' | 'expired' | 'revoked';
  token?: string;
}
