// Labels, colours and rules shared by the accounts pages.
import type { Account, AccountEngine, AccountRole, AccountStatus, AccountTransition, AlertSeverity, HealthLevel, Project } from '../../api';

export type Tone = 'green' | 'blue' | 'violet' | 'gray' | 'amber' | 'red';

export const statusInfo: Record<AccountStatus, { label: string; tone: Tone; help: string }> = {
  new: { label: 'New', tone: 'gray', help: 'Not linked yet. Link it by scanning a QR code with the phone.' },
  linking: { label: 'Linking', tone: 'blue', help: 'Waiting for the phone to scan the QR code (or enter the pairing code).' },
  active: { label: 'Active', tone: 'green', help: 'Linked and sending.' },
  standby: { label: 'Standby', tone: 'violet', help: 'Linked backup number; takes over when a production number fails.' },
  warming: { label: 'Warming', tone: 'amber', help: 'Linked and warming up with a slowly growing daily limit.' },
  cooling: { label: 'Cooling', tone: 'amber', help: 'Rested on purpose: linked, but sends nothing until moved back.' },
  disconnected: { label: 'Disconnected', tone: 'red', help: 'The session was lost after the retries; link it again.' },
  banned: { label: 'Banned', tone: 'red', help: 'WhatsApp banned or restricted this number.' },
  retired: { label: 'Retired', tone: 'gray', help: 'Out of use for good.' },
};

export const roleInfo: Record<AccountRole, { label: string; help: string; linkedStatus: AccountStatus }> = {
  production: { label: 'Production', help: 'Sends campaigns.', linkedStatus: 'active' },
  backup: { label: 'Backup', help: 'Stands by to replace a production number.', linkedStatus: 'standby' },
  warmup: { label: 'Warm-up', help: 'A new number building a history before it sends campaigns.', linkedStatus: 'warming' },
};

export const engineInfo: Record<AccountEngine, { label: string; help: string }> = {
  webjs: { label: 'WhatsApp Web', help: 'A real phone, linked through WhatsApp Web (whatsapp-web.js on Chromium).' },
  sim: { label: 'Simulated', help: 'The built-in simulated WhatsApp network, for demos and tests; no phone needed.' },
};

export const levelTone: Record<HealthLevel, Tone> = { healthy: 'green', warning: 'amber', critical: 'red' };

/** The level from the score, as in the seed: healthy ≥ 90, warning 70–89, critical < 70. */
export function healthLevel(score: number): HealthLevel {
  if (score >= 90) return 'healthy';
  if (score >= 70) return 'warning';
  return 'critical';
}

export const severityTone: Record<AlertSeverity, Tone> = { critical: 'red', warning: 'amber', info: 'blue' };

export const alertKindLabel: Record<string, string> = {
  account_banned: 'Banned',
  health_critical: 'Critical health',
  account_disconnected: 'Disconnected',
  relink_needed: 'Re-link needed',
  connector_crashed: 'Connector crashed',
  account_error: 'Account error',
  session_corrupt: 'Session corrupt',
  phone_inactive: 'Phone inactive',
  connector_refused: 'Connector refused',
};

/** "+919876543210" → "+91 98765 43210"; other numbers get a light grouping. */
export function formatPhone(e164: string): string {
  const m = /^\+91(\d{5})(\d{5})$/.exec(e164);
  if (m) return `+91 ${m[1]} ${m[2]}`;
  const g = /^\+(\d{1,3})(\d{3,})$/.exec(e164);
  if (!g) return e164;
  const rest = g[2].replace(/(\d{3})(?=\d{4,})/g, '$1 ');
  return `+${g[1]} ${rest}`;
}

/** The label, or '' when there is none (the server fills a missing label with the phone number). */
export function labelOf(a: Pick<Account, 'label' | 'phone'>): string {
  const l = (a.label ?? '').trim();
  return l && l !== a.phone ? l : '';
}

export function accountName(a: Pick<Account, 'label' | 'phone'>): string {
  const l = labelOf(a);
  return l ? `${l} (${formatPhone(a.phone)})` : formatPhone(a.phone);
}

const LINKED: AccountStatus[] = ['active', 'standby', 'warming', 'cooling'];

/** Whether the account is linked to a phone (a session exists). */
export function isLinked(a: Account): boolean {
  return LINKED.includes(a.status) || (a.status === 'disconnected' && a.linked_at !== null);
}

/** What the caller may do in a project. */
export function accountPerms(p: Project) {
  const write = p.role === 'owner' || p.role === 'manager';
  return { write, remove: p.role === 'owner', ackAlerts: write, simulate: write };
}

/**
 * The actions offered for an account in its current status. The server's state machine has the
 * last word (a refused move answers 409 and is shown); this only hides buttons that cannot work.
 */
export function offeredActions(a: Account) {
  const back: AccountTransition = roleInfo[a.role]?.linkedStatus === 'standby' ? 'standby' : roleInfo[a.role]?.linkedStatus === 'warming' ? 'warming' : 'active';
  return {
    link: a.status === 'new' || a.status === 'disconnected',
    showQr: a.status === 'linking',
    cool: a.status === 'active' || a.status === 'standby' || a.status === 'warming',
    backTo: a.status === 'cooling' ? back : null,
    retire: a.status !== 'retired',
    logout: isLinked(a) || a.status === 'linking',
  };
}

export function backLabel(to: AccountTransition): string {
  if (to === 'standby') return 'Back to standby';
  if (to === 'warming') return 'Resume warm-up';
  return 'Back to active';
}
