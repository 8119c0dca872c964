// A direct campaign that sends within the next minute of real time (issue 8 crash and ban-model tests):
// its contacts opted in (CSV import), the project's working day ends at the next minute, so the
// planner (campaigns/schedule.cpp: the day's sends spread over what is left of its windows) places
// every message between now and then, and the dispatcher takes them as they fall due.
import assert from 'node:assert/strict';
import { poll, sleep } from './accounts.mjs';

// Zones tried for a local time well inside the day (01:00-22:00), so "the next minute" is the same day.
const ZONES = ['Asia/Kolkata', 'Etc/GMT', 'Etc/GMT+6', 'Etc/GMT-12', 'Etc/GMT+12'];

function localMinutes(zone, at = new Date()) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  return Number(parts.find((p) => p.type === 'hour').value) * 60 + Number(parts.find((p) => p.type === 'minute').value);
}

const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Imports opted-in contacts: [{phone: '+91…', name}]. */
export async function importOptedIn(client, pid, contacts) {
  const csv = ['phone,name,consent,consent_source', ...contacts.map((c) => `${c.phone},${c.name},opted_in,test sign-up`)].join('\r\n');
  const res = await client.request('POST', `/projects/${pid}/contacts/import`, undefined, { raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(res.status, 202, res.describe());
  const job = await poll(() => client.ok('GET', `/projects/${pid}/jobs/${res.body.id}`), (j) => j.status === 'succeeded' || j.status === 'failed',
    { timeout: 20_000, what: 'the CSV import' });
  assert.equal(job.status, 'succeeded', JSON.stringify(job));
  assert.equal(job.counts.created, contacts.length, JSON.stringify(job.counts));
}

/**
 * Launches a direct campaign to the project's opted-in contacts on `accountIds`, every message planned
 * within the next 20-60 s. Returns the launched campaign.
 */
export async function launchWithinAMinute(client, pid, { accountIds, body, name = 'Within a minute' }) {
  const zone = ZONES.find((z) => localMinutes(z) >= 60 && localMinutes(z) <= 22 * 60);
  // At least 20 s left in this minute, so the window is not over before the launch.
  if (new Date().getSeconds() > 40) await sleep((61 - new Date().getSeconds()) * 1000);
  const end = localMinutes(zone) + 1;
  await client.ok('PATCH', `/projects/${pid}`, { time_zone: zone, working_hours: [{ start: '00:00', end: hhmm(end) }], weekend_factor: 1 });
  const draft = await client.ok('POST', `/projects/${pid}/campaigns`, {
    name, kind: 'direct', body, targeting: { contacts: { filter: { consent: ['opted_in'] } } }, schedule: { account_ids: accountIds },
  }, 201);
  const launched = await client.ok('POST', `/projects/${pid}/campaigns/${draft.id}/launch`, {});
  assert.equal(launched.status, 'running', JSON.stringify(launched));
  return launched;
}
