// One audit entry as a sentence (issue 13 item 6): "Priya changed PoultryCare's working hours from
// 09:00–12:00 to 10:00–13:00". Names come from the project's members where known, numbers are
// formatted as everywhere else, and entries without a person are Sangam's or WhatsApp's own.
import type { AuditItem } from '../../api';
import { formatPhone, roleInfo, statusInfo } from '../accounts/meta';
import { roleLabel } from '../../components/ui';

const FIELD: Record<string, string> = {
  name: 'name',
  slug: 'slug',
  time_zone: 'time zone',
  default_region: 'phone region',
  working_hours: 'working hours',
  weekend_factor: 'weekend volume',
  regions: 'regions',
  personas: 'personas',
  label: 'label',
  role: 'role',
  daily_limit: 'daily limit',
};

function value(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return 'nothing';
  if (key === 'working_hours' && Array.isArray(v))
    return v.map((w) => `${(w as { start: string }).start}–${(w as { end: string }).end}`).join(', ');
  if (key === 'weekend_factor' && typeof v === 'number') return `${Math.round(v * 100)}% of a weekday`;
  if (key === 'role' && typeof v === 'string') return roleInfo[v as keyof typeof roleInfo]?.label ?? roleLabel(v);
  if (key === 'status' && typeof v === 'string') return statusInfo[v as keyof typeof statusInfo]?.label ?? v;
  if (Array.isArray(v)) return v.length ? v.join(', ') : 'none';
  return String(v);
}

function list(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function changes(b: Record<string, unknown>, a: Record<string, unknown>, keys: string[]): string[] {
  return keys
    .filter((k) => k in a && k in b && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${FIELD[k] ?? k.replace(/_/g, ' ')} from ${value(k, b[k])} to ${value(k, a[k])}`);
}

export interface SentenceContext {
  projectName: string;
  /** email → display name, from the project's members */
  names: Map<string, string>;
  /** account id → E.164, for entries that recorded only a status */
  phones?: Map<number, string>;
}

export function actorName(it: AuditItem, ctx: SentenceContext): string {
  if (!it.actor) return it.action === 'account.banned' ? 'WhatsApp' : 'Sangam';
  return ctx.names.get(it.actor.email) || it.actor.email;
}

export function auditSentence(it: AuditItem, ctx: SentenceContext): string {
  const who = actorName(it, ctx);
  const b = (it.before ?? {}) as Record<string, unknown>;
  const a = (it.after ?? {}) as Record<string, unknown>;
  const o = { ...b, ...a };
  const targetId = /^account:(\d+)$/.exec(it.target)?.[1];
  const known = targetId ? ctx.phones?.get(Number(targetId)) : undefined;
  const phone = typeof o.phone === 'string' ? formatPhone(o.phone) : known ? formatPhone(known) : 'a number that was deleted';
  const person = (x: Record<string, unknown>) => String(x.name || x.email || 'someone');
  const p = ctx.projectName;
  switch (it.action) {
    case 'project.created':
      return `${who} created ${String(a.name ?? p)}`;
    case 'project.updated': {
      const c = changes(b, a, Object.keys(FIELD));
      return c.length ? `${who} changed ${p}'s ${list(c)}` : `${who} saved ${p}'s settings without changes`;
    }
    case 'project.deleted':
      return `${who} deleted ${p}`;
    case 'member.added':
      return `${who} added ${person(a)} as ${value('role', a.role)}`;
    case 'member.updated':
      return `${who} changed ${person(a)}'s role from ${value('role', b.role)} to ${value('role', a.role)}`;
    case 'member.removed':
      return `${who} removed ${person(b)} from ${p}`;
    case 'account.created':
      return `${who} added the number ${phone} as ${value('role', a.role)}`;
    case 'account.updated': {
      const c = changes(b, a, ['label', 'role', 'daily_limit']);
      return c.length ? `${who} changed ${phone}'s ${list(c)}` : `${who} saved ${phone} without changes`;
    }
    case 'account.deleted':
      return `${who} deleted the number ${phone}`;
    case 'account.status_changed': {
      const from = value('status', b.status);
      const to = value('status', a.status);
      const why = typeof a.reason === 'string' && a.reason && a.reason !== 'linked' ? ` (${a.reason})` : '';
      return it.actor
        ? `${who} moved ${phone} from ${from} to ${to}`
        : `${phone} went from ${from} to ${to}${why}`;
    }
    case 'account.banned':
      return `WhatsApp banned ${phone}${typeof a.reason === 'string' ? ` (reason ${a.reason})` : ''}`;
    case 'account.link_started':
      return `${who} started linking ${phone}${a.method === 'pairing_code' ? ' with a pairing code' : ' with a QR code'}`;
    case 'account.logged_out':
      return `${who} logged out the device of ${phone}`;
    case 'alert.acknowledged': {
      const msg = typeof a.message === 'string' ? a.message.replace(/\+\d{8,15}\b/g, (m) => formatPhone(m)).replace(/\s*\([A-Z_]{3,}\)/g, '') : '';
      return `${who} acknowledged the alert “${msg}”`;
    }
    case 'invitation.created':
      return `${who} invited ${String(a.email)} as ${value('role', a.role)}`;
    case 'invitation.revoked':
      return `${who} withdrew the invitation for ${String(b.email ?? a.email)}`;
    case 'invitation.accepted':
      return `${String(a.name ?? a.email)} accepted the invitation and joined as ${value('role', a.role)}`;
    default:
      return `${who}: ${it.action.replace(/[._]/g, ' ')}`;
  }
}

/** "1 Dec 2026, 14:05" in the project's zone, 24-hour. */
export function formatInZone(iso: string, timeZone: string): string {
  const d = new Date(iso);
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  } catch {
    return d.toISOString();
  }
}

/** Milliseconds of local midnight of `date` (YYYY-MM-DD) in `timeZone`. */
export function zonedMidnight(date: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const offset = (t: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(t))
        .map((p) => [p.type, p.value]),
    );
    const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
    return asUtc - t;
  };
  // Two rounds settle a midnight next to a DST change.
  let t = guess - offset(guess);
  t = guess - offset(t);
  return t;
}
