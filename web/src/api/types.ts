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
