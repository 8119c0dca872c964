// Issue 13 item 3: a form saved with several mistakes gets every one back at once, each tied to its
// field, in words a person reads next to that field (never working_hours.1.start or default_region).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { newProject, newUser } from './lib/client.mjs';

const INTERNAL = /working_hours|default_region|time_zone|weekend_factor|\b[a-z]+_[a-z_]+\b/;

describeBackends('validation messages', (ctx) => {
  let owner; let project;

  ctx.setup(async () => {
    owner = await newUser(ctx.admin);
    project = await newProject(owner.client, { name: 'Words' });
  });

  test('every wrong field comes back at once, each with a sentence for that field', async () => {
    const res = await owner.client.patch(`/projects/${project.id}`, {
      default_region: 'XX',
      time_zone: 'Mars/Olympus',
      weekend_factor: 5,
      working_hours: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '9pm' }],
      name: '',
    });
    assert.equal(res.status, 400, res.describe());
    const e = res.body.error;
    assert.equal(e.code, 'validation_failed');
    const by = Object.fromEntries(e.errors.map((x) => [x.field, x.message]));
    assert.deepEqual(Object.keys(by).sort(), ['default_region', 'name', 'time_zone', 'weekend_factor', 'working_hours.1.end'].sort());
    assert.equal(by.default_region, "Region must be a two-letter country code like IN; 'XX' is not one");
    assert.match(by.time_zone, /^'Mars\/Olympus' is not a time zone we know; pick one from the list/);
    assert.match(by.weekend_factor, /^Weekend volume must be between 0% and 100% of a weekday/);
    assert.equal(by['working_hours.1.end'], "Window 2: '9pm' is not a 24-hour time like 17:30");
    assert.equal(by.name, 'Name must not be empty');
    for (const m of Object.values(by)) assert.doesNotMatch(m.replace(/'[^']*'/g, ''), INTERNAL, m);
    // The envelope's own field and message are the first error's.
    assert.equal(by[e.field], e.message);
    // Nothing changed.
    const p = await owner.client.ok('GET', `/projects/${project.id}`);
    assert.equal(p.default_region, project.default_region);
    assert.equal(p.weekend_factor, project.weekend_factor);
  });

  test('overlapping windows name the window and the time it may start at', async () => {
    const res = await owner.client.patch(`/projects/${project.id}`, {
      working_hours: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'working_hours.1.start');
    assert.equal(res.body.error.message, 'Window 2 must start at or after 12:00, when window 1 ends (windows go in order and do not overlap)');
  });

  test('a phone error says what is wrong with the number as typed', async () => {
    const res = await owner.client.post(`/projects/${project.id}/accounts`, { phone: '+1 212 555', engine: 'sim' });
    assert.equal(res.status, 400, res.describe());
    assert.equal(res.body.error.field, 'phone');
    assert.doesNotMatch(res.body.error.message, /region IN/);
    assert.match(res.body.error.message, /too few digits for a \+1 number/);
  });
});
