// The project form's rules, checked while the user types (issue 13 item 3). The server checks the
// same rules with the same sentences (core/src/projects/project.cpp); these only answer sooner.
import type { WorkingWindow } from '../../api';

export interface ProjectFields {
  name: string;
  slug: string;
  time_zone: string;
  default_region: string;
  working_hours: WorkingWindow[];
  weekend_factor: string;
}

/** The rule written under each field. */
export const RULES = {
  name: 'Up to 100 characters; your team sees it everywhere.',
  slug: '2 to 50 lower-case letters, digits and dashes, starting with a letter, like poultry-care.',
  time_zone: 'Pick a place from the list, like Asia/Kolkata. Sending windows use this zone.',
  default_region: 'A two-letter country code like IN, AE or GB, for numbers typed without +.',
  working_hours: '24-hour times like 09:00–12:00; up to six windows, in order, not overlapping.',
  weekend_factor: 'From 0 to 1: 0 sends nothing on weekends, 0.5 half a weekday, 1 as on a weekday.',
};

export function parseHHMM(s: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

const hhmm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;

/** Field path → sentence, for every rule the fields break (empty when all is well). */
export function validateProject(f: ProjectFields, zones: string[]): Record<string, string> {
  const e: Record<string, string> = {};
  const name = f.name.trim();
  if (!name) e.name = 'Name must not be empty';
  else if (name.length > 100) e.name = 'Name must be at most 100 characters';
  if (!/^[a-z](?:[a-z0-9-]{0,48}[a-z0-9])$/.test(f.slug.trim()))
    e.slug = 'Slug must be 2 to 50 lower-case letters, digits and dashes, starting with a letter, like poultry-care';
  const tz = f.time_zone.trim();
  if (!tz) e.time_zone = 'Time zone must be a place name from the list, like Asia/Kolkata';
  else if (zones.length && !zones.includes(tz))
    e.time_zone = `'${tz}' is not a time zone we know; pick one from the list, like Asia/Kolkata or Europe/Berlin`;
  const region = f.default_region.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(region))
    e.default_region = region ? `Region must be a two-letter country code like IN; '${region}' is not one` : 'Region must be a two-letter country code like IN';
  if (f.working_hours.length === 0) e.working_hours = 'Working hours need between 1 and 6 windows';
  let prevEnd: number | null = null;
  f.working_hours.forEach((w, i) => {
    const name = `Window ${i + 1}`;
    const a = parseHHMM(w.start);
    const b = parseHHMM(w.end);
    if (a === null) e[`working_hours.${i}.start`] = w.start.trim() ? `${name}: '${w.start}' is not a 24-hour time like 09:00` : `${name} needs a start time`;
    if (b === null) e[`working_hours.${i}.end`] = w.end.trim() ? `${name}: '${w.end}' is not a 24-hour time like 17:30` : `${name} needs an end time`;
    if (a === null || b === null) return;
    if (a >= 24 * 60) e[`working_hours.${i}.start`] = `${name} must start before 24:00`;
    else if (b <= a) e[`working_hours.${i}.end`] = `${name} must end after it starts (${hhmm(a)})`;
    else if (prevEnd !== null && a < prevEnd)
      e[`working_hours.${i}.start`] = `${name} must start at or after ${hhmm(prevEnd)}, when window ${i} ends (windows go in order and do not overlap)`;
    else prevEnd = b;
  });
  const wf = f.weekend_factor.trim();
  const n = Number(wf);
  if (wf === '' || !Number.isFinite(n) || n < 0 || n > 1)
    e.weekend_factor = 'Weekend volume must be between 0% and 100% of a weekday (a factor from 0 to 1)';
  return e;
}
