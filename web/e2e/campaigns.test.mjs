// Browser test of the campaigns dashboard (issue 8 item 18) against a real `sangam serve` on the
// simulated WhatsApp network, with the clock running fast so a campaign visibly progresses:
// a template is written with the live editor (a template error is shown at the field with its line and
// column, the preview shows three variations); a campaign is built from it (groups picked by hand, the
// live count, the plan chart per number and day), the unsaved-changes prompt catches leaving, the
// campaign is launched, and its progress bar moves over the WebSocket without a reload; it is paused
// and resumed with confirmations; the per-message table shows statuses in words.
//
//   npm run build && node --test e2e/campaigns.test.mjs      (from web/; SANGAM_BIN overrides ../build/sangam)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, sleep } from './harness.mjs';

// 120x: a 30–120 s pacing gap between two sends of a number takes 0.25–1 s.
const CLOCK_SPEED = process.env.E2E_CLOCK_SPEED ?? '120';
const SIM_ENV = { SANGAM_CONNECTOR: 'auto', SANGAM_SIM_SPEED: '5', SANGAM_SIM_SEED: '7' };

const h = new Harness();
/** @type {import('playwright-core').Page} */
let page;

before(async () => {
  await h.start({ name: 'e2e-campaigns', env: { ...SIM_ENV, SANGAM_CLOCK_SPEED: CLOCK_SPEED } });
  page = h.page;
});
after(async () => {
  await h.stop();
});

const api = (method, url, body) => h.api(method, url, body);

const waitApi = (get, pred, what, timeout = 30_000) => h.waitApi(get, pred, what, timeout);

// Zones on whole and half hours; lateZone picks the one whose local time (at the core's clock) is the
// latest before 23:30, so the day's plan spans at most ~1.5 h of the core's clock (45 s at 120x) with
// at least 30 minutes left before midnight (what is left at midnight would wait for the next day).
const ZONES = ['Etc/GMT+12', 'Etc/GMT+11', 'Etc/GMT+10', 'Etc/GMT+9', 'Etc/GMT+8', 'Etc/GMT+7', 'Etc/GMT+6', 'Etc/GMT+5', 'Etc/GMT+4',
  'Etc/GMT+3', 'Etc/GMT+2', 'Etc/GMT+1', 'Etc/GMT', 'Etc/GMT-1', 'Etc/GMT-2', 'Etc/GMT-3', 'Etc/GMT-4', 'Etc/GMT-5', 'Etc/GMT-6',
  'Etc/GMT-7', 'Etc/GMT-8', 'Etc/GMT-9', 'Etc/GMT-10', 'Etc/GMT-11', 'Etc/GMT-12', 'Etc/GMT-13', 'Etc/GMT-14', 'Asia/Kolkata',
  'Asia/Kabul', 'Asia/Yangon', 'Pacific/Marquesas'];
function lateZone(nowIso) {
  let best = null;
  for (const zone of ZONES) {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(nowIso));
    const m = Number(parts.find((p) => p.type === 'hour').value) * 60 + Number(parts.find((p) => p.type === 'minute').value);
    if (m <= 23 * 60 + 30 && (!best || m > best.m)) best = { zone, m };
  }
  return best.zone;
}

const progressValue = () => page.getByTestId('campaign-progress').first().getAttribute('aria-valuenow').then(Number);

test('campaigns: write a template, build, preview and launch a campaign, watch it progress', async (t) => {
  let pid = 0;
  let aid = 0;
  let groupIds = [];
  const base = () => `${h.baseUrl}/projects/${pid}`;

  await t.test('a project whose simulated number is in groups where it may post', async () => {
    await h.login();
    await page.getByTestId('sidebar').waitFor();
    // Sending all day, every day: the test must not depend on the hour it runs at.
    ({ pid, aid } = await h.projectWithSimNumber({ name: 'Broiler Feeds', slug: 'broiler-e2e', working_hours: [{ start: '00:00', end: '23:59' }], weekend_factor: 1 }, { phone: '+919800000066', label: 'Feeds 1', role: 'production' }, 30_000));
    const groups = await waitApi(() => api('GET', `/projects/${pid}/groups?kind=group`), (r) => r.body?.items?.length >= 2, 'synced groups');
    groupIds = groups.body.items.filter((g) => !g.announce_only).slice(0, 3).map((g) => g.id);
    assert.ok(groupIds.length >= 2, 'at least two groups to post in');
    // Posting is allowed in the value phase only (week 4 on); the test moves the number there by hand.
    for (const gid of groupIds) {
      const r = await api('PATCH', `/projects/${pid}/groups/${gid}/accounts/${aid}`, { phase: 'value' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  });

  await t.test('a template: errors at the field with line and column, three variations, saved', async () => {
    await page.goto(base());
    await page.getByTestId('nav-templates').click();
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    await page.getByTestId('template-new').click();
    await page.getByLabel('Name').fill('Feed offer');
    const body = page.getByTestId('template-body');
    await body.fill('Hello {{name}},\n{our feed|the new feed is here');
    const err = page.locator('[data-error-for="body"]');
    await err.waitFor();
    assert.match(await err.innerText(), /line 2/i, 'the error names the line');
    assert.match(await err.innerText(), /column/i, 'and the column');
    assert.equal(await body.getAttribute('aria-invalid'), 'true');
    await h.shot('campaigns-template-error-1440');
    await body.fill('{Hello|Namaste|Vanakkam} {{name}}, {our new starter feed|the new starter feed} is in stock at {{shop}}.');
    // {{shop}} is the project's own variable: unknown until it has a default, then the error goes.
    await page.getByLabel('Default of shop').fill('your dealer');
    await err.waitFor({ state: 'detached' });
    const samples = page.getByTestId('preview-samples').locator('li');
    await samples.nth(2).waitFor();
    assert.equal(await samples.count(), 3, 'three variations');
    assert.match(await page.getByTestId('preview-text').innerText(), /(Hello|Namaste|Vanakkam) .*starter feed.*your dealer/);
    await h.shot('campaigns-template-1440');
    await page.getByTestId('template-save').click();
    await page.waitForURL(/\/templates\/\d+$/);
    const list = await api('GET', `/projects/${pid}/templates`);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].name, 'Feed offer');
  });

  let cid = 0;
  await t.test('the builder: template picked, groups picked by hand with a live count and a plan chart', async () => {
    await page.getByTestId('nav-campaigns').click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Starter feed, week 12');
    await page.getByTestId('campaign-template').selectOption({ label: 'Feed offer' });
    assert.match(await page.getByTestId('template-body').inputValue(), /starter feed/);
    await page.getByTestId('target-mode-pick').click();
    for (const gid of groupIds) await page.locator(`label[data-group-id="${gid}"] input`).check();
    const count = page.getByTestId('target-count');
    await page.waitForFunction(
      ([n]) => document.querySelector('[data-testid="target-count"] strong')?.textContent === String(n),
      [groupIds.length],
      { timeout: 10_000 },
    );
    assert.match(await count.innerText(), new RegExp(`${groupIds.length} groups selected`));
    // The plan per number and day is drawn by ECharts (SVG), fetched only now.
    await page.locator('[data-testid="schedule-chart"] svg').first().waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('plan-summary').innerText(), new RegExp(`${groupIds.length} messages`));
    await h.checkHere('/projects/:id/campaigns/new (filled)');
    await h.shot('campaigns-builder-1440');
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(300);
    await h.shot('campaigns-builder-390');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await t.test('leaving with unsaved changes asks first, back button included', async () => {
    await page.getByTestId('nav-templates').click();
    const dialog = page.getByTestId('unsaved-changes');
    await dialog.waitFor();
    await dialog.getByTestId('stay').click();
    assert.match(page.url(), /\/campaigns\/new$/);
    await page.goBack();
    await page.getByTestId('unsaved-changes').waitFor();
    await page.getByTestId('unsaved-changes').getByTestId('stay').click();
    assert.match(page.url(), /\/campaigns\/new$/);
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Starter feed, week 12', 'the edits are kept');
  });

  await t.test('launch: confirmed, then the progress bar moves live and messages show their status', async () => {
    // A working day that ends soon on the core's clock (see lateZone); updated_at is the core's now.
    const touched = await api('PATCH', `/projects/${pid}`, { weekend_factor: 1 });
    assert.equal(touched.status, 200, JSON.stringify(touched.body));
    const zone = lateZone(touched.body.updated_at);
    assert.equal((await api('PATCH', `/projects/${pid}`, { time_zone: zone })).status, 200);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(touched.body.updated_at));
    await page.getByLabel('Start date').fill(day);
    await page.waitForFunction(() => document.querySelector('[data-testid="target-count"]')?.getAttribute('aria-busy') === 'false');
    await page.getByTestId('campaign-launch').click();
    const confirm = page.getByRole('dialog');
    await confirm.getByTestId('launch-summary').waitFor();
    assert.match(await confirm.innerText(), new RegExp(`${groupIds.length} groups`));
    await confirm.getByTestId('confirm-button').click();
    await page.waitForURL(/\/campaigns\/\d+$/, { timeout: 15_000 });
    cid = Number(/\/campaigns\/(\d+)$/.exec(page.url())[1]);
    const status = page.getByTestId('campaign-status').first();
    await page.waitForFunction(() => ['running', 'completed', 'scheduled'].includes(document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') ?? ''));
    const first = await progressValue();
    // No reload from here on: the bar follows campaign.progress events over the WebSocket.
    await page.waitForFunction(
      ([v]) => Number(document.querySelector('[data-testid="campaign-progress"]')?.getAttribute('aria-valuenow')) > v,
      [first],
      { timeout: 60_000 },
    );
    await h.shot('campaigns-running-1440');
    const moved = await progressValue();
    assert.ok(moved > first, `the progress bar moved (${first}% → ${moved}%)`);
    const counts = await page.getByTestId('progress-counts').innerText();
    assert.match(counts, /Sent/);
    const rows = page.locator('[data-testid="messages-table"] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), groupIds.length, 'one message per group');
    const cells = await page.locator('[data-testid="messages-table"] td[data-status]').allInnerTexts();
    assert.equal(cells.length, groupIds.length);
    for (const c of cells) assert.match(c.trim(), /^(Queued|Sending now|Sent|Delivered|Read|Replied)\b/, `a status in words, not a code: ${c}`);
    assert.ok(['running', 'completed'].includes(await status.getAttribute('data-status')));
  });

  await t.test('the campaign completes and the list shows it with its status in words', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') === 'completed', null, { timeout: 90_000 });
    assert.equal(await progressValue(), 100);
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(300);
    await h.shot('campaigns-page-390');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('link', { name: '← All campaigns' }).click();
    const row = page.locator(`[data-testid="campaigns-table"] tr[data-campaign-id="${cid}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Completed/);
    await page.getByTestId('status-filter-draft').click();
    await page.waitForURL(/status=draft/);
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('status-filter-all').click();
    await row.waitFor();
    await h.shot('campaigns-list-1440');
  });

  await t.test('times follow the core\'s clock, which runs faster here: nothing just done shows as "in 2 hours"', async () => {
    // The core runs CLOCK_SPEED times faster than this browser; before the dashboard followed the
    // core's clock (X-Sangam-Time), the number's last activity a minute ago read "in 2 hours".
    await page.goto(`${base()}/accounts`);
    const row = page.locator('main tbody tr').filter({ hasText: 'Feeds 1' }).first();
    await row.waitFor();
    const text = await row.innerText();
    assert.doesNotMatch(text, /\bin \d+ (seconds?|minutes?|hours?|days?)\b/, text);
    assert.match(text, /ago|now/, text);
  });

  await t.test('pause and resume ask first; a completed campaign offers neither', async () => {
    await page.goto(`${base()}/campaigns/${cid}`);
    await page.getByTestId('campaign-progress').first().waitFor();
    assert.equal(await page.getByTestId('campaign-pause').count(), 0, 'nothing to pause once completed');
    // A second campaign over the same groups, built through the API, to pause while it waits to send.
    const c = await api('POST', `/projects/${pid}/campaigns`, {
      name: 'Later offer',
      kind: 'group_post',
      template_id: null,
      body: '{Hi|Hello} {{name}}, a later offer.',
      variables: {},
      targeting: { groups: { ids: groupIds } },
      // A month ahead: launched, it is "scheduled" and sends nothing while the test pauses it.
      schedule: { start_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), end_date: null, per_day_cap: 1, account_ids: null },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const launched = await api('POST', `/projects/${pid}/campaigns/${c.body.id}/launch`, {});
    assert.equal(launched.status, 200, JSON.stringify(launched.body));
    await page.goto(`${base()}/campaigns/${c.body.id}`);
    await page.getByTestId('campaign-pause').click();
    await page.getByRole('dialog').getByTestId('confirm-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') === 'paused');
    await page.getByTestId('campaign-resume').click();
    await page.getByRole('dialog').getByTestId('confirm-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') !== 'paused');
    await page.getByTestId('campaign-cancel').click();
    const dlg = page.getByRole('dialog');
    assert.match(await dlg.innerText(), /cannot be undone/);
    await dlg.getByTestId('confirm-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') === 'cancelled');
    assert.equal((await api('GET', `/projects/${pid}/campaigns/${c.body.id}`)).body.status, 'cancelled');
  });
});
