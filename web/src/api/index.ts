// Typed endpoint functions, one per route of docs/api.md.
import { api } from './client';
import type {
  Account,
  AccountCreate,
  AccountHealth,
  AccountPatch,
  AccountTransition,
  Alert,
  AuditPage,
  Connector,
  Invitation,
  LinkMethod,
  QrItem,
  SimAction,
  List,
  Me,
  Member,
  Project,
  ProjectInput,
  Role,
  Token,
  User,
} from './types';

export * from './client';
export * from './types';

export const auth = {
  login: (email: string, password: string) => api.post<{ user: User }>('/auth/login', { email, password }),
  logout: () => api.post<void>('/auth/logout'),
  me: () => api.get<Me>('/auth/me'),
};

export const tokens = {
  list: () => api.get<List<Token>>('/tokens'),
  create: (name: string, expiresInDays?: number) =>
    api.post<Token>('/tokens', expiresInDays ? { name, expires_in_days: expiresInDays } : { name }),
  revoke: (id: number) => api.del(`/tokens/${id}`),
};

export interface UserCreate {
  email: string;
  name: string;
  password: string;
  is_admin?: boolean;
}
export type UserPatch = Partial<{ name: string; password: string; is_admin: boolean; disabled: boolean }>;

export const users = {
  list: () => api.get<List<User>>('/users'),
  get: (id: number) => api.get<User>(`/users/${id}`),
  create: (u: UserCreate) => api.post<User>('/users', u),
  update: (id: number, patch: UserPatch) => api.patch<User>(`/users/${id}`, patch),
  remove: (id: number) => api.del(`/users/${id}`),
};

export const projects = {
  list: () => api.get<List<Project>>('/projects'),
  get: (id: number) => api.get<Project>(`/projects/${id}`),
  create: (p: ProjectInput) => api.post<Project>('/projects', p),
  update: (id: number, patch: ProjectInput) => api.patch<Project>(`/projects/${id}`, patch),
  remove: (id: number) => api.del(`/projects/${id}`),
};

export const members = {
  list: (projectId: number) => api.get<List<Member>>(`/projects/${projectId}/members`),
  /** Adds a user by the email they sign in with (members are never added by user id). */
  add: (projectId: number, email: string, role: Role) =>
    api.post<Member>(`/projects/${projectId}/members`, { email, role }),
  /** Changes the role of an existing member. */
  put: (projectId: number, userId: number, role: Role) =>
    api.put<Member>(`/projects/${projectId}/members/${userId}`, { role }),
  remove: (projectId: number, userId: number) => api.del(`/projects/${projectId}/members/${userId}`),
};

export interface AuditQuery {
  actor?: number;
  kind?: string;
  from?: number;
  to?: number;
}
export const audit = {
  list: (projectId: number, before?: number | null, limit = 50, filter: AuditQuery = {}) =>
    api.get<AuditPage>(`/projects/${projectId}/audit`, { query: { limit, before: before ?? undefined, ...filter } }),
};

export const invitations = {
  list: (projectId: number) => api.get<List<Invitation>>(`/projects/${projectId}/invitations`),
  create: (projectId: number, email: string, role: Role) =>
    api.post<Invitation>(`/projects/${projectId}/invitations`, { email, role }),
  revoke: (projectId: number, id: number) => api.del(`/projects/${projectId}/invitations/${id}`),
  lookup: (token: string) => api.post<Invitation & { project_name: string }>('/invitations/lookup', { token }),
  accept: (token: string, name: string, password: string) =>
    api.post<{ user: User; project_id: number; role: Role }>('/invitations/accept', { token, name, password }),
};

export const accounts = {
  list: (projectId: number) => api.get<List<Account>>(`/projects/${projectId}/accounts`),
  get: (projectId: number, id: number) => api.get<Account>(`/projects/${projectId}/accounts/${id}`),
  create: (projectId: number, a: AccountCreate) => api.post<Account>(`/projects/${projectId}/accounts`, a),
  update: (projectId: number, id: number, patch: AccountPatch) =>
    api.patch<Account>(`/projects/${projectId}/accounts/${id}`, patch),
  remove: (projectId: number, id: number) => api.del(`/projects/${projectId}/accounts/${id}`),
  link: (projectId: number, id: number, method: LinkMethod = 'qr') =>
    api.post<Account>(`/projects/${projectId}/accounts/${id}/link`, { method }),
  qrHistory: (projectId: number, id: number) => api.get<List<QrItem>>(`/projects/${projectId}/accounts/${id}/qr`),
  transition: (projectId: number, id: number, to: AccountTransition) =>
    api.post<Account>(`/projects/${projectId}/accounts/${id}/transition`, { to }),
  logout: (projectId: number, id: number) => api.post<Account>(`/projects/${projectId}/accounts/${id}/logout`),
  health: (projectId: number, id: number) => api.get<AccountHealth>(`/projects/${projectId}/accounts/${id}/health`),
  sim: (projectId: number, id: number, action: SimAction, body?: Record<string, unknown>) =>
    api.post<Record<string, never>>(`/projects/${projectId}/accounts/${id}/sim/${action}`, body),
};

export const alerts = {
  list: (projectId: number, state: 'open' | 'all' = 'open') =>
    api.get<List<Alert>>(`/projects/${projectId}/alerts`, { query: { state } }),
  ack: (projectId: number, id: number) => api.post<Alert>(`/projects/${projectId}/alerts/${id}/ack`),
};

export const connectors = {
  list: () => api.get<List<Connector>>('/connectors'),
};

let tzCache: Promise<string[]> | null = null;
export function timezones(): Promise<string[]> {
  if (!tzCache) {
    tzCache = api.get<List<string>>('/timezones').then(
      (r) => r.items,
      (e) => {
        tzCache = null;
        throw e;
      },
    );
  }
  return tzCache;
}
