// Issue 9 item 6 over HTTP on both backends: the analytics endpoints answer their documented shapes on
// an empty project and after activity, ranges are checked (bad ones name their field and change
// nothing), a viewer may read but not rotate the lead secret, and a lead entered by hand shows in the
// KPI cards at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBackends } from './lib/harness.mjs';
import { assertError, newProject, newUser, addMember } from './lib/client.mjs';

describeBackends('analytics', (ctx) => {
  let pid;
  ctx.setup(async () => {
    pid = (await newProject(ctx.admin, { time_zone: 'Asia/Kolkata' })).id;
  });
  const base = () => `/projects/${pid}/analytics`;

  test('an empty project has six KPI cards, a day per point of the range and 24 hours', async () => {
    const o = await ctx.admin.ok('GET', `${base()}/overview?days=7`);
    assert.equal(o.time_zone, 'Asia/Kolkata');
    assert.deepEqual(o.kpis.cards.map((c) => c.key), ['contacts', 'active_groups', 'campaigns', 'leads', 'conversion', 'health']);
    assert.equal(o.series.length, 7);
    assert.match(o.series[0].day, /^\d{4}-\d\d-\d\d$/);
    assert.equal(o.hours.length, 24);
    assert.ok(o.series.every((d) => d.sent === 0 && d.leads === 0));
    for (const what of ['campaigns', 'accounts', 'groups']) assert.deepEqual((await ctx.admin.ok('GET', `${base()}/${what}`)).items, []);
  });

  test('bad ranges are refused naming the field', async () => {
    assertError(await ctx.admin.get(`${base()}/overview?days=0`), 400, 'validation_failed', 'days');
    assertError(await ctx.admin.get(`${base()}/overview?days=abc`), 400, 'validation_failed', 'days');
    assertError(await ctx.admin.get(`${base()}/campaigns?from=2026-02-30`), 400, 'validation_failed', 'from');
    assertError(await ctx.admin.get(`${base()}/groups?from=2026-03-01&to=2026-02-01`), 400, 'validation_failed', 'from');
    const from = await ctx.admin.ok('GET', `${base()}/overview?from=2026-01-01&to=2026-01-31`);
    assert.equal(from.series.length, 31);
  });

  test('a lead entered by hand counts in the KPI cards at once; its journey ends with the form', async () => {
    const lead = await ctx.admin.ok('POST', `/projects/${pid}/leads/manual`, { phone: '+919800030001', form: 'stall' }, 201);
    assert.equal(lead.journey.at(-1).kind, 'form');
    const o = await ctx.admin.ok('GET', `${base()}/overview`);
    assert.equal(o.kpis.cards.find((c) => c.key === 'leads').value, 1);
    assert.equal((await ctx.admin.ok('GET', `/projects/${pid}/leads/${lead.id}`)).id, lead.id);
    assertError(await ctx.admin.get(`/projects/${pid}/leads/999999`), 404, 'not_found');
    assertError(await ctx.admin.get(`${base()}/contacts/999999/journey`), 404, 'not_found');
  });

  test('a viewer reads the figures but neither sees nor rotates the lead secret', async () => {
    const viewer = await newUser(ctx.admin);
    assert.equal((await addMember(ctx.admin, pid, viewer.user.email, 'viewer')).status, 201);
    await viewer.client.ok('GET', `${base()}/overview`);
    assertError(await viewer.client.get(`${base()}/lead-secret`), 403, 'forbidden');
    assertError(await viewer.client.post(`${base()}/lead-secret`, {}), 403, 'forbidden');
    assertError(await viewer.client.post(`/projects/${pid}/leads/manual`, { phone: '+919800030002' }), 403, 'forbidden');
  });
});
