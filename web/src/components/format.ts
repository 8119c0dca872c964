// Date helpers. The API speaks ISO 8601 UTC; the dashboard shows the viewer's local time.

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // 24-hour everywhere (issue 13 item 9): en-US would say "02:05 PM".
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

// The core's clock, learnt from every API answer (X-Sangam-Time, X-Sangam-Clock-Speed): relative times
// and "now" follow the core, whose clock runs `speed` times faster in `sangam demo --clock-speed N` and
// may simply differ from this device's clock.
let anchor = { server: 0, real: 0, speed: 1 };

export function noteServerClock(time: string | null, speed: string | null): void {
  const server = Number(time);
  if (!time || !Number.isFinite(server)) return;
  const sp = Number(speed ?? 1);
  anchor = { server, real: Date.now(), speed: Number.isFinite(sp) && sp > 0 ? sp : 1 };
}

/** The core's current time in ms (this device's clock until the first API answer). */
export function serverNow(): number {
  if (!anchor.real) return Date.now();
  return anchor.server + (Date.now() - anchor.real) * anchor.speed;
}

export function relativeTime(iso: string | null | undefined, now = serverNow()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  // A timestamp a little ahead of this browser's clock (skew, or a clock refreshed only every few
  // seconds) is "now", not "in 5 seconds".
  const s = t > now && t - now < 60_000 ? 0 : Math.round((t - now) / 1000);
  const abs = Math.abs(s);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 45) return rtf.format(s, 'second');
  if (abs < 2700) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 79200) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 2592000) return rtf.format(Math.round(s / 86400), 'day');
  if (abs < 31536000) return rtf.format(Math.round(s / 2592000), 'month');
  return rtf.format(Math.round(s / 31536000), 'year');
}

/** Wall-clock parts of `date` in an IANA zone; null when the zone is unknown to this browser. */
export function zonedParts(date: Date, timeZone: string): { time: string; date: string; weekday: number; minutes: number; offset: string } | null {
  try {
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      timeZoneName: 'shortOffset',
    });
    const parts = Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
    const hh = Number(parts.hour);
    const mm = Number(parts.minute);
    const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
    return {
      time: `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`,
      date: `${parts.weekday}, ${parts.day} ${parts.month} ${parts.year}`,
      weekday: wd,
      minutes: hh * 60 + mm,
      offset: parts.timeZoneName ?? '',
    };
  } catch {
    return null;
  }
}

export function hhmmToMinutes(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}
